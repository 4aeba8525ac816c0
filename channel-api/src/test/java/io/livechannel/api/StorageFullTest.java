package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSException;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk: the client is told what happened (not a generic internal error) and the failure is counted. The
 * kernel's own ENOSPC comes from writing {@code /dev/full}; the store's puts fail with it, its reads still work.
 */
class StorageFullTest {
    @TempDir
    Path dir;

    @Test
    void putOnAFullDiskSaysSoAndIsCounted() throws Exception {
        IOException enospc = enospc();
        try (ApiTestServer server = new ApiTestServer(dir, Clock.systemUTC(), HttpLimits.DEFAULTS,
                store -> failingPuts(store, enospc))) {
            OSS oss = OssClients.PATH_STYLE_V1.client(server.port());
            try {
                assertThatThrownBy(() -> oss.putObject(ApiTestServer.BUCKET, "a.bin",
                        new ByteArrayInputStream(new byte[] {1, 2, 3})))
                        .isInstanceOfSatisfying(OSSException.class, e -> {
                            assertThat(e.getErrorCode()).isEqualTo("InternalError");
                            assertThat(e.getErrorMessage()).contains("storage is full", "no space left on device");
                        });
                assertThat(server.api.storageFullFailures()).isEqualTo(1);
                assertThat(oss.listObjects(ApiTestServer.BUCKET).getObjectSummaries()).isEmpty();
            } finally {
                oss.shutdown();
            }
        }
    }

    @Test
    void fullFileSystemAndDatabaseAreRecognisedByTheirErrors() throws Exception {
        assertThat(ApiService.isStorageFull(new StorageException(StorageException.Kind.IO, "write", enospc())))
                .isTrue();
        assertThat(ApiService.isStorageFull(new IllegalStateException(
                "[SQLITE_FULL] Insertion failed because database is full (database or disk is full)"))).isTrue();
        assertThat(ApiService.isStorageFull(new StorageException(StorageException.Kind.IO, "write",
                new IOException("Input/output error")))).isFalse();
    }

    /** The JDK's exception for a write the kernel refused with ENOSPC (Linux). */
    private static IOException enospc() {
        try {
            Files.write(Path.of("/dev/full"), new byte[] {1});
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("/dev/full accepted a write");
    }

    private static ObjectStore failingPuts(ObjectStore store, IOException cause) {
        return (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put")) {
                        throw new StorageException(StorageException.Kind.IO, "cannot write object", cause);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
