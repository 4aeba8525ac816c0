package io.livechannel.storage.s3;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStoreContractTest;
import io.livechannel.storage.StorageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** The object store contract against a real S3 protocol server (S3Proxy in-process), plus S3-only failures. */
class S3ObjectStoreTest extends ObjectStoreContractTest {
    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected ObjectStore openStore() {
        return new S3ObjectStore(server.config());
    }

    @Test
    void wrongSecretIsAnIoErrorThatDoesNotShowTheSecret() {
        S3StoreConfig wrong = S3StoreConfig.of(server.endpoint(), "us-east-1", S3ProxyServer.ACCESS_KEY,
                "not-the-secret", true);
        try (S3ObjectStore store = new S3ObjectStore(wrong)) {
            assertKind(() -> store.list(bucket, io.livechannel.storage.ListQuery.prefix("", 1)),
                    StorageException.Kind.IO);
        }
        assertThat(wrong.toString()).doesNotContain("not-the-secret");
    }

    @Test
    void unreachableServerIsAnIoError() {
        S3StoreConfig nowhere = S3StoreConfig.of(URI.create("http://127.0.0.1:1"), "us-east-1", "a", "b", true);
        try (S3ObjectStore store = new S3ObjectStore(nowhere)) {
            assertKind(() -> store.head(bucket, "k"), StorageException.Kind.IO);
        }
    }
}
