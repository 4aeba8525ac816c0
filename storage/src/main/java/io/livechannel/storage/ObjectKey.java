package io.livechannel.storage;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The naming rules every {@link ObjectStore} enforces the same way, so that both backends refuse the same
 * keys with the same {@link StorageException.Kind}: object keys are valid UTF-8 (no unpaired surrogate) of
 * 1..{@value #MAX_KEY_BYTES} bytes that do not start with {@code /} or {@code \}; bucket names are
 * 3..63 characters of {@code a-z 0-9 -} starting and ending with a letter or digit (spec "Model").
 */
public final class ObjectKey {
    /** OSS's key length limit in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1023;
    /** OSS's bucket name length limits. */
    public static final int MIN_BUCKET_NAME_LENGTH = 3;
    public static final int MAX_BUCKET_NAME_LENGTH = 63;

    private ObjectKey() {
    }

    /**
     * Checks a key and returns its UTF-8 bytes.
     *
     * @throws StorageException {@link StorageException.Kind#INVALID_KEY} naming the broken rule
     */
    public static byte[] checkedUtf8(String key) throws StorageException {
        if (key == null || key.isEmpty()) {
            throw new StorageException(StorageException.Kind.INVALID_KEY, "object key is empty");
        }
        if (key.length() > MAX_KEY_BYTES) { // each char is at least one byte: refuse before encoding
            throw tooLong(key.length());
        }
        char first = key.charAt(0);
        if (first == '/' || first == '\\') {
            throw new StorageException(StorageException.Kind.INVALID_KEY, "object key starts with '" + first + "'");
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] utf8;
        try {
            var buffer = encoder.encode(CharBuffer.wrap(key));
            utf8 = new byte[buffer.remaining()];
            buffer.get(utf8);
        } catch (CharacterCodingException e) {
            throw new StorageException(StorageException.Kind.INVALID_KEY, "object key is not valid UTF-8", e);
        }
        if (utf8.length > MAX_KEY_BYTES) {
            throw tooLong(utf8.length);
        }
        return utf8;
    }

    /** @throws StorageException {@link StorageException.Kind#INVALID_BUCKET_NAME} naming the broken rule */
    public static void checkBucketName(String bucket) throws StorageException {
        if (bucket == null || bucket.length() < MIN_BUCKET_NAME_LENGTH || bucket.length() > MAX_BUCKET_NAME_LENGTH) {
            throw new StorageException(StorageException.Kind.INVALID_BUCKET_NAME, "bucket name length outside "
                    + MIN_BUCKET_NAME_LENGTH + ".." + MAX_BUCKET_NAME_LENGTH + ": " + safe(bucket));
        }
        for (int i = 0; i < bucket.length(); i++) {
            char c = bucket.charAt(i);
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            boolean edge = i == 0 || i == bucket.length() - 1;
            if (!letterOrDigit && (edge || c != '-')) {
                throw new StorageException(StorageException.Kind.INVALID_BUCKET_NAME,
                        "bucket name has '" + c + "' at " + i + ": " + safe(bucket));
            }
        }
    }

    private static StorageException tooLong(int length) {
        return new StorageException(StorageException.Kind.INVALID_KEY,
                "object key of " + length + " bytes exceeds MAX_KEY_BYTES " + MAX_KEY_BYTES);
    }

    private static String safe(String bucket) {
        if (bucket == null) {
            return "null";
        }
        return bucket.length() > 80 ? bucket.substring(0, 80) + "..." : bucket;
    }
}
