package io.livechannel.bench;

import io.livechannel.bench.flv.FlvFile;
import io.livechannel.bench.rtmpclient.ChunkWriter;
import io.livechannel.bench.rtmpclient.PrechunkedStream;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.chunk.ChunkDecoder;
import io.livechannel.rtmp.chunk.PublishAdmitted;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Chunk-stream decoding throughput (issue 9): the rtmp-server {@link ChunkDecoder} reassembling 10 s of a real
 * 2 Mbps H.264/AAC publish (the load generator's FLV, chunked at 4096 like OBS) fed in socket-sized reads, on one
 * thread. The {@code bytes} counter is wire bytes decoded per wall-clock second; {@code cpuBytes / cpuNanos} is
 * GB per second of the benchmark thread's CPU time, i.e. per core even on a contended machine.
 * Each operation decodes the whole 10 s window; the emitted messages are released, as the session would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class ChunkDecodeBenchmark {
    private static final long WINDOW_MILLIS = 10_000;

    /** Made by {@code bench/scripts/make-flv.sh}; relative to the repository root. */
    @Param("bench/target/load-2mbps.flv")
    public String flv;

    /** Bytes per {@code channelRead}, like one socket read of Netty's adaptive allocator under load. */
    @Param({"16384", "65536"})
    public int readBytes;

    /** Whether the decoder has seen {@link PublishAdmitted} (a publisher's buffers are allocated at once). */
    @Param({"true", "false"})
    public boolean admitted;

    private PrechunkedStream stream;
    private ByteBuf window;
    private EmbeddedChannel channel;

    /** Wire bytes decoded, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;
        public long messages;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            messages = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        FlvFile file = FlvFile.read(Path.of(flv));
        stream = PrechunkedStream.of(file, ChunkWriter.OBS_CHUNK_SIZE, 1);
        int end = 0;
        while (end < stream.messageCount() && stream.timestampMillis(end) < WINDOW_MILLIS) {
            end++;
        }
        window = stream.retainedMessages(1, end);
        channel = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        if (admitted) {
            channel.pipeline().fireUserEventTriggered(PublishAdmitted.EVENT);
        }
        ByteBuf setChunkSize = Unpooled.buffer(16);
        new ChunkWriter(ChunkDecoder.DEFAULT_CHUNK_SIZE).write(setChunkSize,
                new ChunkWriter.MessageHeader(2, 0, 1, 0), Unpooled.buffer(4).writeInt(ChunkWriter.OBS_CHUNK_SIZE),
                0, 4);
        channel.writeInbound(setChunkSize);
        drain();
    }

    /**
     * Totals for the iteration: wire bytes decoded and the benchmark thread's CPU time spent on them, so that
     * {@code cpuBytes / cpuNanos} is bytes per core-second even when other processes compete for the cores.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public long cpuNanos;
        public long cpuBytes;

        @Setup(Level.Iteration)
        public void reset() {
            cpuNanos = 0;
            cpuBytes = 0;
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    @Benchmark
    public void decodeTenSecondsOfTwoMbps(Counters counters, CpuTime cpu) {
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        int length = window.readableBytes();
        for (int off = 0; off < length; off += readBytes) {
            channel.writeInbound(window.retainedSlice(off, Math.min(readBytes, length - off)));
            counters.messages += drain();
        }
        counters.bytes += length;
        cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - cpuStart;
        cpu.cpuBytes += length;
    }

    private int drain() {
        int n = 0;
        Object m;
        while ((m = channel.readInbound()) != null) {
            ReferenceCountUtil.release(m);
            n++;
        }
        while ((m = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        window.release();
        stream.release();
    }
}
