package io.livechannel.storage.cache;

import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.MetadataStoreContractTest;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The catalog contract holds through the cache (over real SQLite files). */
class CachingMetadataStoreContractTest extends MetadataStoreContractTest {
    @TempDir
    Path tmp;

    @Override
    protected MetadataStore openStore() {
        return new CachingMetadataStore(JdbcMetadataStore.openSqlite(tmp.resolve("catalog.db")));
    }

    @Override
    protected MetadataStore reopenStore() {
        return openStore();
    }
}
