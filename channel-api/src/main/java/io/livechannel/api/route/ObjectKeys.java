package io.livechannel.api.route;

import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import java.nio.charset.StandardCharsets;

/** Object-key rules (livechannel.md "Model"): 1..{@value #MAX_KEY_BYTES} UTF-8 bytes, no leading / or \. */
final class ObjectKeys {
    static final int MAX_KEY_BYTES = 1023;

    private ObjectKeys() {
    }

    static void check(String key) throws OssException {
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_KEY_BYTES || key.startsWith("/") || key.startsWith("\\")) {
            throw new OssException(OssErrorCode.INVALID_OBJECT_NAME, "The object name must be 1.." + MAX_KEY_BYTES
                    + " bytes and must not start with '/' or '\\'.");
        }
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
