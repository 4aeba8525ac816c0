package io.livechannel.bench;

import io.livechannel.hls.HlsOutput;
import io.livechannel.hls.HlsPackager;
import io.livechannel.hls.HlsSettings;
import io.livechannel.hls.PlaylistState;
import io.livechannel.hls.SegmentInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
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
 * FLV tag bodies to MPEG-TS segments and playlists through {@link HlsPackager}, single thread, as one publish
 * session's event loop runs it. One operation packages {@value #SECONDS} s of an H.264 + AAC stream (keyframe every
 * 2 s, 30 fps, 128 kbit/s AAC) at the parameterised video bit rate, from pooled direct buffers as RTMP delivers
 * them; segment buffers are released by the output as storage would after its PUT. The {@code inputBytes} counter
 * is the FLV input throughput (bytes/s) the 1 GB/s-per-core target refers to.
 *
 * <p>Slice payloads are random bytes behind real NAL headers: the muxer copies slices without decoding them, so
 * content does not change its work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TsMuxerBenchmark {
    static final int SECONDS = 10;
    /** ffmpeg libx264 High 320x180 sequence header body (tag header included). */
    private static final byte[] AVC_SEQUENCE_HEADER = HexFormat.of().parseHex("1700000000"
            + "0164000cffe1001a6764000cacd941419f9f011000000300100000030320f142996001000668ebe3cb22c0");
    private static final byte[] AAC_SEQUENCE_HEADER = HexFormat.of().parseHex("af001208");

    @Param({"8000", "2000"})
    public int videoKbps;

    private final List<ByteBuf> bodies = new ArrayList<>();
    private final List<long[]> meta = new ArrayList<>(); // {timestamp, isVideo}
    private long inputBytesPerOp;

    /** Input bytes per second, reported by JMH next to the operation rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Throughput {
        public long inputBytes;
    }

    /**
     * Thread CPU time spent and input bytes consumed, summed per iteration: their ratio is the throughput per core
     * even when other processes share the machine's cores (wall-clock throughput then understates it).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public long cpuNanos;
        public long cpuInputBytes;
        /** TS and playlist bytes produced for {@code cpuInputBytes} of FLV input: the container's overhead. */
        public long cpuOutputBytes;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Setup(Level.Trial)
    public void buildStream() {
        SplittableRandom random = new SplittableRandom(42);
        add(0, true, AVC_SEQUENCE_HEADER);
        add(0, false, AAC_SEQUENCE_HEADER);
        int bytesPerSecond = videoKbps * 1000 / 8;
        // keyframe = 10 P-frames' worth, 60 frames per GOP: 69 units per GOP of 2 s
        int pFrameBytes = bytesPerSecond * 2 / 69;
        long audioTime = 0;
        for (int frame = 0; frame < SECONDS * 30; frame++) {
            long videoTime = frame * 1000L / 30;
            while (audioTime <= videoTime) {
                add(audioTime, false, aacFrame(random));
                audioTime = audioTime + 23;
            }
            boolean key = frame % 60 == 0;
            add(videoTime, true, avcFrame(random, key, key ? pFrameBytes * 10 : pFrameBytes));
        }
    }

    private void add(long timestamp, boolean video, byte[] body) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(body.length).writeBytes(body);
        bodies.add(buf);
        meta.add(new long[] {timestamp, video ? 1 : 0});
        inputBytesPerOp += body.length;
    }

    private static byte[] avcFrame(SplittableRandom random, boolean key, int bytes) {
        byte[] body = new byte[5 + 4 + bytes];
        random.nextBytes(body);
        body[0] = (byte) (key ? 0x17 : 0x27); // frame type, AVC
        body[1] = 1; // NALU
        body[2] = 0; // composition time 0 (in-order stream; B-frames cost the same)
        body[3] = 0;
        body[4] = 0;
        body[5] = (byte) (bytes >>> 24);
        body[6] = (byte) (bytes >>> 16);
        body[7] = (byte) (bytes >>> 8);
        body[8] = (byte) bytes;
        body[9] = (byte) (key ? 0x65 : 0x41); // IDR slice / non-IDR slice NAL header
        return body;
    }

    private static byte[] aacFrame(SplittableRandom random) {
        byte[] body = new byte[2 + 372];
        random.nextBytes(body);
        body[0] = (byte) 0xAF;
        body[1] = 1;
        return body;
    }

    @TearDown(Level.Trial)
    public void release() {
        bodies.forEach(ByteBuf::release);
        bodies.clear();
    }

    @Benchmark
    public long packageTenSeconds(Throughput throughput, CpuTime cpu) {
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long[] segmentBytes = new long[1];
        HlsOutput output = new HlsOutput() {
            @Override
            public boolean segmentReady(SegmentInfo segment, ByteBuf tsData) {
                segmentBytes[0] += tsData.readableBytes();
                tsData.release();
                return true;
            }

            @Override
            public void playlistReady(String objectKey, String m3u8Text, PlaylistState countersToPersist) {
                segmentBytes[0] += m3u8Text.length();
            }
        };
        long[] clock = {1_763_748_000_000L};
        HlsPackager packager = new HlsPackager(new HlsSettings("bench", "playlist.m3u8", 2, 3), output,
                () -> clock[0] += 2_000, PlaylistState.INITIAL, PooledByteBufAllocator.DEFAULT);
        for (int i = 0; i < bodies.size(); i++) {
            long[] m = meta.get(i);
            if (m[1] == 1) {
                packager.onVideoTag(m[0], bodies.get(i));
            } else {
                packager.onAudioTag(m[0], bodies.get(i));
            }
        }
        packager.finish();
        throughput.inputBytes += inputBytesPerOp;
        cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - cpuStart;
        cpu.cpuInputBytes += inputBytesPerOp;
        cpu.cpuOutputBytes += segmentBytes[0];
        return segmentBytes[0];
    }
}
