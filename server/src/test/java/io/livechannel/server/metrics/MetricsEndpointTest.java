package io.livechannel.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.session.PublisherRegistry;
import io.livechannel.server.ServerConfig;
import io.livechannel.server.Wiring;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.catalog.CatalogBatcher;
import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.server.Transport;
import io.livechannel.storage.fs.DirectIo;
import io.livechannel.storage.fs.FsyncPolicy;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.livechannel.storage.write.ObjectWriteQueue;
import io.livechannel.storage.write.WriteQueueConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private HttpResponse<String> send(String method, int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void scrapeShowsTheWriteQueueAfterAStoredWriteAndTheJvm() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("objects"));
        store.createBucket("live");
        try (JdbcMetadataStore catalog = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
             CatalogBatcher catalogUpdates = new CatalogBatcher(catalog, 100, Duration.ZERO);
             ObjectWriteQueue writes = new ObjectWriteQueue(store, executor, WriteQueueConfig.defaults(null));
             ServerMetrics metrics = ServerMetrics.bind(registry, writes, catalogUpdates, new PublisherRegistry());
             MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, registry)) {
            writes.submit("cam1", "live", "cam1/1.ts", ByteBuffer.wrap(new byte[188 * 10]),
                    PutOptions.of("video/MP2T"), () -> { }).get(30, TimeUnit.SECONDS);
            catalogUpdates.submit("save counters", m -> m.channels().saveCounters("live", "cam1",
                    new PlaylistCounters(1, 0))).get(30, TimeUnit.SECONDS);
            catalogUpdates.submit("bad update", m -> {
                throw new IllegalStateException("refused by the test");
            }).exceptionally(failure -> null).get(30, TimeUnit.SECONDS);

            HttpResponse<String> scrape = send("GET", endpoint.port(), "/metrics");

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
            assertThat(scrape.body()).contains("livechannel_write_completed_total 1.0",
                    "livechannel_write_backlog_writes 0.0", "livechannel_write_rejected_total 0.0",
                    "livechannel_publishers_live 0.0", "jvm_memory_used_bytes", "process_cpu_usage",
                    "livechannel_catalog_updates_total 1.0", "livechannel_catalog_commits_total 1.0",
                    "livechannel_catalog_failed_total 1.0", "livechannel_catalog_queued 0.0");
        } finally {
            executor.shutdownNow();
            store.close();
        }
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, registry)) {
            assertThat(send("GET", endpoint.port(), "/").statusCode()).isEqualTo(404);
            HttpResponse<String> post = send("POST", endpoint.port(), "/metrics");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            HttpResponse<String> head = send("HEAD", endpoint.port(), "/metrics");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void theServerServesMetricsOnlyWhenAPortIsGivenAndNamesItInTheBanner() throws Exception {
        ServerConfig config = new ServerConfig(dir.resolve("data"),
                ServerConfig.Network.anyPorts("127.0.0.1", "localhost"),
                new ServerConfig.Bootstrap("id", "secret", "live", "private"), ServerConfig.Store.FILESYSTEM,
                ServerConfig.Ingest.DEFAULTS, 0);
        try (Wiring wiring = Wiring.start(config, new SecureRandom())) {
            String banner = wiring.startupBanner("test");
            String line = banner.lines().filter(l -> l.trim().startsWith("metrics")).findFirst().orElseThrow();
            int port = Integer.parseInt(line.replaceAll(".*:(\\d+)/metrics$", "$1"));
            assertThat(send("GET", port, "/metrics").body()).contains("livechannel_write_backlog_bytes",
                    "livechannel_catalog_queued",
                    "livechannel_segment_listed_latency_seconds{quantile=\"0.99\"}",
                    "livechannel_storage_fs_put_seconds_count{origin=\"live_output\",write=\"direct\"}",
                    "livechannel_storage_fs_put_seconds_count{origin=\"live_output\",write=\"buffered\"}");
        }
        ServerConfig off = new ServerConfig(dir.resolve("data"),
                ServerConfig.Network.anyPorts("127.0.0.1", "localhost"),
                new ServerConfig.Bootstrap("id", "secret", "live", "private"), ServerConfig.Store.FILESYSTEM,
                ServerConfig.Ingest.DEFAULTS, ServerConfig.METRICS_OFF);
        try (Wiring wiring = Wiring.start(off, new SecureRandom())) {
            assertThat(wiring.startupBanner("test")).doesNotContain("metrics");
        }
    }
}
