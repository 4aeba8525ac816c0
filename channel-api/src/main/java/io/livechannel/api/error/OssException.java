package io.livechannel.api.error;

import java.util.Map;
import java.util.Objects;

/**
 * A request failed with an OSS error code; {@link ErrorResponses} renders it. Thrown by the parsers,
 * the authenticator and the operations; never carries a secret.
 */
public final class OssException extends Exception {
    private static final long serialVersionUID = 1L;

    private final OssErrorCode code;
    private final transient ErrorDetails details;

    public OssException(OssErrorCode code, String message) {
        this(code, message, ErrorDetails.NONE);
    }

    public OssException(OssErrorCode code, String message, ErrorDetails details) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.details = Objects.requireNonNull(details, "details");
    }

    public OssErrorCode code() {
        return code;
    }

    public ErrorDetails details() {
        return details;
    }

    /**
     * The optional elements of {@code <Error>} after HostId (wire spec §8); each {@code null} when absent.
     *
     * @param extra further elements in order (e.g. {@code Key}, {@code BucketName}), or an empty map
     */
    public record ErrorDetails(String accessKeyId, String signatureProvided, String stringToSign,
                               Map<String, String> extra) {
        public static final ErrorDetails NONE = new ErrorDetails(null, null, null, Map.of());

        public ErrorDetails {
            extra = extra == null ? Map.of() : extra;
        }

        public static ErrorDetails of(String element, String value) {
            return new ErrorDetails(null, null, null, Map.of(element, value));
        }
    }
}
