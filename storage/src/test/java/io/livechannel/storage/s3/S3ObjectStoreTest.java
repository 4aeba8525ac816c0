package io.livechannel.storage.s3;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStoreContractTest;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

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
    void aKnownLengthPutAboveTheInMemoryLimitIsStagedUploadedWholeAndLeavesNoStagedFile(@TempDir Path spool)
            throws Exception {
        byte[] content = bytes(S3ObjectStore.MAX_IN_MEMORY_UPLOAD_BYTES + 1, 11);
        try (S3ObjectStore store = stagingIn(spool)) {
            StoredObject put = store.put(bucket, "ch/large.ts", new ByteArrayInputStream(content), content.length,
                    PutOptions.of("video/mp2t"));

            assertThat(put.size()).isEqualTo(content.length);
            assertThat(put.etag()).isEqualTo(md5Hex(content));
            assertThat(read("ch/large.ts")).isEqualTo(content);
            try (Stream<Path> left = Files.list(spool)) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void aStagedPutShorterThanAnnouncedIsRefusedAndStoresNothing(@TempDir Path spool) throws Exception {
        byte[] content = bytes(S3ObjectStore.MAX_IN_MEMORY_UPLOAD_BYTES + 1, 12);
        try (S3ObjectStore store = stagingIn(spool)) {
            assertKind(() -> store.put(bucket, "ch/short.ts", new ByteArrayInputStream(content), content.length + 1L,
                    PutOptions.of("video/mp2t")), StorageException.Kind.IO);

            assertThat(store.head(bucket, "ch/short.ts")).isEmpty();
            try (Stream<Path> left = Files.list(spool)) {
                assertThat(left).isEmpty();
            }
        }
    }

    private static S3ObjectStore stagingIn(Path spool) {
        return new S3ObjectStore(new S3StoreConfig(server.endpoint(), "us-east-1", S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY, true, spool, S3StoreConfig.DEFAULT_CALL_TIMEOUT));
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
