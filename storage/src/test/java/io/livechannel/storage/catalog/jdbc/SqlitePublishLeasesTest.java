package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.PublishLeasesContractTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The lease rules on a real SQLite file; both "nodes" share its one connection, as they would its lock. */
class SqlitePublishLeasesTest extends PublishLeasesContractTest {
    @TempDir
    Path tmp;

    @Override
    protected MetadataStore openStore() {
        return JdbcMetadataStore.openSqlite(tmp.resolve("catalog.db"));
    }

    @Override
    protected MetadataStore openOtherNodeStore(MetadataStore first) {
        return first;
    }
}
