package io.livechannel.storage.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.CorsRule;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the cache keeps and when it lets go, on real SQLite. A second connection to the same file ({@code behind})
 * changes rows without the cache knowing, which shows whether an answer came from memory or from the database.
 */
class CachingMetadataStoreTest {
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path tmp;
    CachingMetadataStore store;
    MetadataStore behind;
    MetadataStore memory;

    @BeforeEach
    void open() {
        store = new CachingMetadataStore(JdbcMetadataStore.openSqlite(tmp.resolve("catalog.db")));
        behind = JdbcMetadataStore.openSqlite(tmp.resolve("catalog.db"));
        memory = store.memoryOnly();
    }

    @AfterEach
    void close() {
        behind.close();
        store.close();
    }

    @Test
    void memoryOnlyViewAnswersOnlyWhatWasLookedUp() {
        store.buckets().create(new Bucket("live", BucketAcl.PUBLIC_READ, T0, List.of()));
        assertThatThrownBy(() -> memory.buckets().find("live")).isSameAs(NotInMemoryException.INSTANCE);
        assertThatThrownBy(() -> memory.buckets().find("nope")).isSameAs(NotInMemoryException.INSTANCE);

        assertThat(store.buckets().find("live")).map(Bucket::acl).contains(BucketAcl.PUBLIC_READ);
        assertThat(store.buckets().find("nope")).isEmpty();

        assertThat(memory.buckets().find("live")).map(Bucket::acl).contains(BucketAcl.PUBLIC_READ);
        assertThat(memory.buckets().find("nope")).isEmpty();
    }

    @Test
    void lookupsAreServedFromMemoryUntilAWriteThroughTheCache() {
        store.buckets().create(new Bucket("live", BucketAcl.PRIVATE, T0, List.of()));
        store.buckets().find("live");
        behind.buckets().setAcl("live", BucketAcl.PUBLIC_READ_WRITE); // not seen: the cache is the only writer

        assertThat(store.buckets().find("live")).map(Bucket::acl).contains(BucketAcl.PRIVATE);

        store.buckets().setAcl("live", BucketAcl.PUBLIC_READ);
        assertThatThrownBy(() -> memory.buckets().find("live")).isSameAs(NotInMemoryException.INSTANCE);
        assertThat(store.buckets().find("live")).map(Bucket::acl).contains(BucketAcl.PUBLIC_READ);
    }

    @Test
    void everyBucketWriteInvalidatesTheName() {
        CorsRule rule = new CorsRule(List.of("*"), List.of("GET"), List.of(), List.of(), 0);
        store.buckets().find("live"); // absent, cached
        assertThat(store.buckets().create(new Bucket("live", BucketAcl.PRIVATE, T0, List.of()))).isTrue();
        assertThatThrownBy(() -> memory.buckets().find("live")).isSameAs(NotInMemoryException.INSTANCE);
        assertThat(store.buckets().find("live")).isPresent();

        assertThat(store.buckets().setCorsRules("live", List.of(rule))).isTrue();
        assertThat(store.buckets().find("live").orElseThrow().corsRules()).containsExactly(rule);

        assertThat(store.buckets().delete("live")).isTrue();
        assertThat(store.buckets().find("live")).isEmpty();
        assertThat(memory.buckets().find("live")).isEmpty();
    }

    @Test
    void accessKeysAreCachedAndReplacedThroughTheCache() {
        store.accessKeys().put(new AccessKey("id1", "secret-1"));
        assertThatThrownBy(() -> memory.accessKeys().find("id1")).isSameAs(NotInMemoryException.INSTANCE);
        assertThat(store.accessKeys().find("id1")).map(AccessKey::secret).contains("secret-1");
        assertThat(store.accessKeys().find("id2")).isEmpty();

        assertThat(memory.accessKeys().find("id1")).map(AccessKey::secret).contains("secret-1");
        assertThat(memory.accessKeys().find("id2")).isEmpty();

        store.accessKeys().put(new AccessKey("id1", "secret-2"));
        assertThat(store.accessKeys().find("id1")).map(AccessKey::secret).contains("secret-2");
        assertThat(memory.accessKeys().find("id1")).map(AccessKey::secret).contains("secret-2");
    }

    @Test
    void memoryOnlyViewRefusesWritesAndUncachedParts() {
        assertThatThrownBy(() -> memory.buckets().create(new Bucket("x", BucketAcl.PRIVATE, T0, List.of())))
                .isSameAs(NotInMemoryException.INSTANCE);
        assertThatThrownBy(() -> memory.accessKeys().put(new AccessKey("a", "b")))
                .isSameAs(NotInMemoryException.INSTANCE);
        assertThatThrownBy(memory::channels).isSameAs(NotInMemoryException.INSTANCE);
        assertThatThrownBy(memory::segments).isSameAs(NotInMemoryException.INSTANCE);
        assertThat(store.buckets().list()).isEmpty();
    }

    @Test
    void aLookupThatReadBeforeAWriteIsNotCachedAfterIt() {
        ReadThroughCache<String, String> cache = new ReadThroughCache<>(10);

        // the loader reads the old value, then a write of the same key runs before the fill is installed
        Optional<String> read = cache.get("k", k -> {
            Optional<String> old = Optional.of("old");
            cache.write("k", () -> "written");
            return old;
        });

        assertThat(read).contains("old");
        assertThat(cache.peek("k")).isNull();
    }

    @Test
    void absentNamesStopBeingCachedAtTheLimitButFoundOnesDisplaceThem() {
        ReadThroughCache<String, String> cache = new ReadThroughCache<>(3);
        for (String name : List.of("a", "b", "c", "d")) {
            cache.get(name, k -> Optional.empty());
        }
        assertThat(cache.peek("c")).isEmpty();
        assertThat(cache.peek("d")).isNull();

        cache.get("found", k -> Optional.of("v"));

        assertThat(cache.peek("found")).contains("v");
        assertThat(cache.peek("a")).isNull();
    }
}
