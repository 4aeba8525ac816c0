package io.livechannel.api.auth;

/** Who sent a request, once its signature (if any) verified. Failures are thrown as OSS errors instead. */
public sealed interface AuthResult {
    /** No signature at all: allowed only where the bucket ACL permits anonymous access. */
    record Anonymous() implements AuthResult {
    }

    /**
     * A valid V1 or V4 signature by a known key.
     *
     * @param securityToken the STS token that was signed with the request, or {@code null}
     */
    record Signed(String accessKeyId, SignatureVersion version, String securityToken) implements AuthResult {
    }

    /** How a request was signed. */
    enum SignatureVersion { V1_HEADER, V1_PRESIGNED, V4_HEADER, V4_PRESIGNED }
}
