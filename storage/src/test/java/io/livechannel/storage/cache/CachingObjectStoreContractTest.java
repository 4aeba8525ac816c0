package io.livechannel.storage.cache;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStoreContractTest;
import io.livechannel.storage.fs.FileSystemObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The object store contract holds through the cache (over the filesystem store), reads and writes interleaved. */
class CachingObjectStoreContractTest extends ObjectStoreContractTest {
    @TempDir
    Path tmp;

    @Override
    protected ObjectStore openStore() throws Exception {
        return new CachingObjectStore(new FileSystemObjectStore(tmp.resolve("objects")));
    }
}
