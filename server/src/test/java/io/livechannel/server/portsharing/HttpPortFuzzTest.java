package io.livechannel.server.portsharing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.api.ApiChannelInitializer;
import io.livechannel.api.ApiConfig;
import io.livechannel.rtmp.PushDecision;
import io.livechannel.rtmp.RtmpChannelInitializer;
import io.livechannel.rtmp.RtmpConfig;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.command.StatusCode;
import io.livechannel.rtmp.session.PublisherRegistry;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port as a client reaches it: {@link ProtocolSniffer} in front of the API pipeline (idle and head
 * deadlines, {@code RequestGuard}, keep-alive, {@code BodyAggregator}, the request handler and every route) and the
 * RTMP pipeline, in an {@link EmbeddedChannel}, over real stores (filesystem objects, SQLite catalog) with a
 * public-read-write bucket, so anonymous requests reach the object routes and write. Input: the connection's bytes,
 * delivered in reads of {@value #READ_BYTES}. Properties: no answer is a 5xx (every byte here is the client's)
 * except 501 NotImplemented, the answer to an OSS feature this server does not have (versioning, WORM, ...);
 * no exception leaves the pipeline; {@value #QUIET_SECONDS} s after the input ends the connection is closed (the
 * idle and request deadlines apply to whatever state the input left). Corpus: {@code HttpPortFuzzTestInputs/}.
 */
class HttpPortFuzzTest {
    /** OSS features this server does not have (versioning, WORM, lifecycle, ...) are answered NotImplemented. */
    private static final int NOT_IMPLEMENTED = 501;
    static final int READ_BYTES = 512;
    /** Past the API's idle timeout (60 s) and RTMP's read timeout (30 s). */
    static final int QUIET_SECONDS = 61;
    private static final Logger ROOT = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private static Level previousLevel;
    private static Path dir;
    private static FileSystemObjectStore objects;
    private static MetadataStore metadata;
    private static ApiChannelInitializer api;
    private static RtmpChannelInitializer rtmp;

    @BeforeAll
    static void openStores() throws Exception {
        previousLevel = ROOT.getLevel();
        ROOT.setLevel(Level.WARN);
        dir = Files.createTempDirectory("http-port-fuzz");
        objects = new FileSystemObjectStore(dir.resolve("objects"), Clock.systemUTC());
        metadata = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
        metadata.accessKeys().put(new AccessKey("LTAIexampleAK", "exampleSecretKey123"));
        objects.createBucket("examplebucket");
        metadata.buckets().create(new Bucket("examplebucket", BucketAcl.PUBLIC_READ_WRITE, Clock.systemUTC().instant(),
                List.of()));
        objects.put("examplebucket", "channel/playlist.m3u8", "#EXTM3U\n".getBytes(StandardCharsets.UTF_8),
                new PutOptions("application/x-mpegURL", Map.of()));
        api = new ApiChannelInitializer(ApiConfig.builder().domains(List.of("oss.lc.test")).stores(objects, metadata)
                .storageExecutor(Runnable::run).build());
        rtmp = new RtmpChannelInitializer(new RtmpConfig(RtmpLimits.defaults(),
                r -> CompletableFuture.completedFuture(new PushDecision.Denied(StatusCode.PUBLISH_DENIED, "fuzz")),
                info -> {
                    throw new AssertionError("a denied publish started");
                }, new PublisherRegistry(), Set.of(), Clock.systemUTC()));
    }

    @AfterAll
    static void closeStores() throws IOException {
        metadata.close();
        objects.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        ROOT.setLevel(previousLevel);
    }

    /** Records the status of every answer the API writes, before the codec encodes it. */
    private static final class Answers extends ChannelOutboundHandlerAdapter {
        final List<Integer> statuses = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response) {
                statuses.add(response.status().code());
            }
            ctx.write(msg, promise);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void clientBytesNeverGetA5xxAndTheConnectionEnds(byte[] data) {
        Answers answers = new Answers();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new ProtocolSniffer(p -> {
            api.addHandlers(p);
            p.addAfter("http-codec", "answers", answers);
        }, rtmp::addHandlers, Duration.ofSeconds(ProtocolSniffer.DEFAULT_FIRST_BYTE_TIMEOUT_SECONDS)));
        try {
            for (int at = 0; at < data.length && channel.isActive(); at += READ_BYTES) {
                channel.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(data, at,
                        Math.min(READ_BYTES, data.length - at)));
                settle(channel);
            }
            channel.advanceTimeBy(QUIET_SECONDS, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            settle(channel);
            assertThat(answers.statuses).allMatch(status -> status < 500 || status == NOT_IMPLEMENTED,
                    "no 5xx but 501 NotImplemented");
            assertThat(channel.isActive()).as("closed by a deadline").isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Runs what the input started (answers are written from tasks) and drops what the server wrote. */
    private static void settle(EmbeddedChannel channel) {
        for (int round = 0; round < 100 && channel.hasPendingTasks(); round++) {
            channel.runPendingTasks();
        }
        channel.checkException();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
        for (Object m; (m = channel.readInbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }
}
