package io.livechannel.api.route;

import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * Object-key and channel-name rules (livechannel.md "Model"): 1..{@value #MAX_KEY_BYTES} UTF-8 bytes, no leading
 * / or \, and no control character (U+0000..U+001F, U+007F). XML 1.0 cannot carry most control characters even
 * escaped, so a name holding one could not be listed or echoed in an error document by any OSS SDK's parser.
 */
public final class ObjectKeys {
    static final int MAX_KEY_BYTES = 1023;
    /** Operations whose key is a channel name, for the error message. */
    private static final Set<Operation> CHANNEL_OPERATIONS = EnumSet.of(Operation.PUT_LIVE_CHANNEL,
            Operation.PUT_LIVE_CHANNEL_STATUS, Operation.GET_LIVE_CHANNEL_INFO, Operation.GET_LIVE_CHANNEL_STAT,
            Operation.GET_LIVE_CHANNEL_HISTORY, Operation.DELETE_LIVE_CHANNEL);
    /** Names stored before control characters were refused can still be deleted. */
    private static final Set<Operation> TOLERANT = EnumSet.of(Operation.DELETE_OBJECT, Operation.DELETE_LIVE_CHANNEL);

    private ObjectKeys() {
    }

    static void check(String key) throws OssException {
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_KEY_BYTES || key.startsWith("/") || key.startsWith("\\")) {
            throw new OssException(OssErrorCode.INVALID_OBJECT_NAME, "The object name must be 1.." + MAX_KEY_BYTES
                    + " bytes and must not start with '/' or '\\'.");
        }
    }

    /**
     * Refuses a request whose object key or channel name holds a control character: 400 InvalidArgument, checked
     * before the signature so that a bad name never turns into a 5xx an SDK would retry. Deletes are let through.
     */
    public static void checkCharacters(Operation op, String name) throws OssException {
        if (!TOLERANT.contains(op) && !isPrintable(name, false)) {
            String what = CHANNEL_OPERATIONS.contains(op) ? "channel name" : "object name";
            throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                    "The " + what + " must not contain control characters (U+0000..U+001F, U+007F).");
        }
    }

    /** True when {@code s} holds no control character; {@code allowTab} for header values (RFC 9110 §5.5). */
    static boolean isPrintable(String s, boolean allowTab) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && !(allowTab && c == '\t')) || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code s} for a log line: each control character as {@code \xNN}, so that a client-supplied name can neither
     * forge log lines (CR, LF) nor hide in them; null stays null.
     */
    public static String forLog(String s) {
        if (s == null || isPrintable(s, false)) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Content-Type by HLS extension (wire spec §9), else the stored type. */
    static String contentType(String key, String stored) {
        if (key.endsWith(".m3u8")) {
            return "application/x-mpegURL";
        }
        if (key.endsWith(".ts")) {
            return "video/MP2T";
        }
        return stored;
    }
}
