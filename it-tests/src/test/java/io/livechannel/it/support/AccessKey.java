package io.livechannel.it.support;

import java.util.Objects;

/**
 * An access key pair the tests give the server ({@code --access-key-id}, {@code --access-key-secret}) so that the
 * SDK can sign; the S3 side uses its own pair ({@link S3ProxyServer#key()}).
 */
public record AccessKey(String id, String secret) {
    /** The bootstrap key every test server is started with. */
    public static final AccessKey SERVER = new AccessKey("LTAIitTestsKey0001", "itTestsSecretNeverLogged0123456789");

    public AccessKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "AccessKey[id=" + id + ", secret=<hidden>]";
    }
}
