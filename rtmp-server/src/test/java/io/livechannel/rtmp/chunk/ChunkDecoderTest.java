package io.livechannel.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.RtmpProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChunkDecoderTest {
    /** What a decoded message is checked against: header fields and payload length. */
    record Msg(int csid, long timestamp, int type, int msid, int length) {
    }

    private static String bytes(int n, int value) {
        return String.format("%02x", value).repeat(n);
    }

    static Stream<Arguments> vectors() {
        return Stream.of(
                arguments("RTMP spec §5.3.2.1 example 1: fmt 0, fmt 2, fmt 3, fmt 3 (audio, same length and delta)",
                        "03 0003e8 000020 08 39300000 " + bytes(32, 0xa1)  // csid 3 fmt 0; ts 1000; len 32; audio; msid 12345 (LE)
                        + " 83 000014 " + bytes(32, 0xa2)                 // fmt 2; delta 20
                        + " c3 " + bytes(32, 0xa3)                        // fmt 3: new message, same delta
                        + " c3 " + bytes(32, 0xa4),                       // fmt 3
                        List.of(new Msg(3, 1000, 8, 12345, 32), new Msg(3, 1020, 8, 12345, 32),
                                new Msg(3, 1040, 8, 12345, 32), new Msg(3, 1060, 8, 12345, 32))),
                arguments("RTMP spec §5.3.2.2 example 2: one 307-byte message in chunks of 128 (fmt 0, fmt 3, fmt 3)",
                        "04 0003e8 000133 09 3a300000 " + bytes(128, 0xb1) // csid 4 fmt 0; ts 1000; len 307; video; msid 12346
                        + " c4 " + bytes(128, 0xb2)                       // fmt 3 continuation
                        + " c4 " + bytes(51, 0xb3),                       // fmt 3 continuation, last 51 bytes
                        List.of(new Msg(4, 1000, 9, 12346, 307))),
                arguments("extended timestamp on fmt 0 and repeated on its fmt 3 continuation (ffmpeg, librtmp)",
                        "05 ffffff 0000c8 09 01000000 01000000 " + bytes(128, 0xc1) // ts marker; len 200; ext ts 16777216
                        + " c5 01000000 " + bytes(72, 0xc2)                         // fmt 3 + repeated ext ts
                        + " 45 ffffff 000004 09 00000010 " + bytes(4, 0xc3)         // fmt 1: ext delta 16
                        + " c5 00000010 " + bytes(4, 0xc4),                         // fmt 3 new message: ext delta again
                        List.of(new Msg(5, 16_777_216, 9, 1, 200), new Msg(5, 16_777_232, 9, 1, 4),
                                new Msg(5, 16_777_248, 9, 1, 4))),
                arguments("extended timestamp not repeated on the fmt 3 continuation (some encoders)",
                        "05 ffffff 0000c8 09 01000000 01000000 " + bytes(128, 0xc1) // as above
                        + " c5 " + bytes(72, 0xc2),                                 // fmt 3 without ext ts
                        List.of(new Msg(5, 16_777_216, 9, 1, 200))),
                arguments("basic header forms: csid 63, 64 and 319 (2 bytes), 320 and 65599 (3 bytes)",
                        "3f 000001 000001 08 01000000 e0"                  // csid 63 (1 byte)
                        + " 00 00 000002 000001 08 01000000 e1"            // csid 64: 0, 64-64
                        + " 00 ff 000003 000001 08 01000000 e2"            // csid 319: 0, 319-64
                        + " 01 00 01 000004 000001 08 01000000 e3"         // csid 320: 1, (320-64) LE
                        + " 01 ff ff 000005 000001 08 01000000 e4",        // csid 65599: 1, ff ff
                        List.of(new Msg(63, 1, 8, 1, 1), new Msg(64, 2, 8, 1, 1), new Msg(319, 3, 8, 1, 1),
                                new Msg(320, 4, 8, 1, 1), new Msg(65599, 5, 8, 1, 1))),
                arguments("Set Chunk Size takes effect on the next chunk",
                        "02 000000 000004 01 00000000 00000100"            // csid 2: Set Chunk Size 256
                        + " 06 000000 000100 09 01000000 " + bytes(256, 0xd1), // one 256-byte chunk
                        List.of(new Msg(2, 0, 1, 0, 4), new Msg(6, 0, 9, 1, 256))),
                arguments("Abort drops the partial message of its chunk stream",
                        "06 000000 000100 09 01000000 " + bytes(128, 0xd1) // first half of a 256-byte message
                        + " 02 000000 000004 02 00000000 00000006"         // Abort csid 6
                        + " 06 000028 000002 09 01000000 d2d3",            // a new message on csid 6
                        List.of(new Msg(6, 40, 9, 1, 2))),
                arguments("zero-length message",
                        "03 000000 000000 14 00000000",                    // fmt 0, len 0
                        List.of(new Msg(3, 0, 20, 0, 0))));
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static byte[] ffmpegSession() throws IOException {
        try (InputStream in = ChunkDecoderTest.class.getResourceAsStream("ffmpeg-5.1-publish-start.bin")) {
            return in.readAllBytes();
        }
    }

    /** ffmpeg 5.1 publishing to /examplebucket/live: every chunk after C2 up to the third audio frame. */
    private static final List<Msg> FFMPEG_MESSAGES = List.of(
            new Msg(3, 0, 20, 0, 168),   // connect: fmt 0 + fmt 3 at chunk size 128
            new Msg(2, 0, 1, 0, 4),      // Set Chunk Size 4096
            new Msg(3, 0, 20, 0, 157),   // releaseStream: fmt 1
            new Msg(3, 0, 20, 0, 153),   // FCPublish: fmt 1
            new Msg(3, 0, 20, 0, 25),    // createStream: fmt 1
            new Msg(8, 0, 20, 1, 158),   // publish on message stream 1
            new Msg(4, 0, 18, 1, 309),   // @setDataFrame onMetaData
            new Msg(6, 0, 9, 1, 42),     // AVC sequence header
            new Msg(4, 0, 8, 1, 7),      // AAC sequence header
            new Msg(4, 0, 8, 1, 282),    // first AAC frame
            new Msg(6, 23, 9, 1, 8661),  // first keyframe: fmt 1 delta 23, three chunks of <= 4096
            new Msg(4, 23, 8, 1, 280),   // fmt 1 delta 23
            new Msg(4, 46, 8, 1, 177));  // fmt 1 delta 23

    private static List<Msg> decode(RtmpLimits limits, List<byte[]> pieces) {
        return decode(limits, pieces, false);
    }

    /** Decodes {@code pieces}, as a connection before its publish is admitted or, with {@code admitted}, after. */
    private static List<Msg> decode(RtmpLimits limits, List<byte[]> pieces, boolean admitted) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(limits));
        if (admitted) {
            channel.pipeline().fireUserEventTriggered(PublishAdmitted.EVENT);
        }
        for (byte[] piece : pieces) {
            channel.writeInbound(Unpooled.wrappedBuffer(piece));
        }
        List<Msg> out = drain(channel);
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return out;
    }

    private static List<Msg> drain(EmbeddedChannel channel) {
        List<Msg> out = new ArrayList<>();
        RawMessage m;
        while ((m = channel.readInbound()) != null) {
            out.add(new Msg(m.chunkStreamId(), m.timestamp(), m.typeId(), m.messageStreamId(),
                    m.content().readableBytes()));
            m.release();
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodes(String name, String hex, List<Msg> expected) {
        assertThat(decode(RtmpLimits.defaults(), List.of(hex(hex)))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesTheSameWhenSplitAtEveryByte(String name, String hex, List<Msg> expected) {
        byte[] all = hex(hex);
        for (boolean admitted : new boolean[] {false, true}) { // buffers grown as bytes arrive, or allocated at once
            for (int split = 1; split < all.length; split++) {
                assertThat(decode(RtmpLimits.defaults(), List.of(java.util.Arrays.copyOfRange(all, 0, split),
                        java.util.Arrays.copyOfRange(all, split, all.length)), admitted))
                        .as("split at %d, admitted %s", split, admitted).isEqualTo(expected);
            }
            assertThat(decode(RtmpLimits.defaults(), oneBytePieces(all), admitted)).isEqualTo(expected);
        }
    }

    private static List<byte[]> oneBytePieces(byte[] all) {
        List<byte[]> pieces = new ArrayList<>();
        for (byte b : all) {
            pieces.add(new byte[] {b});
        }
        return pieces;
    }

    @Test
    void decodesACapturedFfmpegPublishSession() throws IOException {
        assertThat(decode(RtmpLimits.defaults(), List.of(ffmpegSession()))).isEqualTo(FFMPEG_MESSAGES);
    }

    @Test
    void decodesTheFfmpegSessionInFragmentsOfManySizesAndSplitAtManyPoints() throws IOException {
        byte[] all = ffmpegSession();
        for (int size : new int[] {1, 2, 3, 4, 5, 7, 11, 12, 13, 64, 127, 128, 129, 1000, 4096, 4097}) {
            List<byte[]> pieces = new ArrayList<>();
            for (int i = 0; i < all.length; i += size) {
                pieces.add(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + size)));
            }
            assertThat(decode(RtmpLimits.defaults(), pieces)).as("fragment size %d", size).isEqualTo(FFMPEG_MESSAGES);
        }
        for (int split = 1; split < all.length; split += 37) {
            assertThat(decode(RtmpLimits.defaults(), List.of(java.util.Arrays.copyOfRange(all, 0, split),
                    java.util.Arrays.copyOfRange(all, split, all.length)))).as("split %d", split).isEqualTo(FFMPEG_MESSAGES);
        }
    }

    @Test
    void carriesThePayloadBytesOfEachChunkInOrder() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        channel.writeInbound(Unpooled.wrappedBuffer(hex("04 0003e8 000133 09 3a300000 " + bytes(128, 0xb1)
                + " c4 " + bytes(128, 0xb2) + " c4 " + bytes(51, 0xb3))));
        RawMessage m = channel.readInbound();
        assertThat(ByteBufUtil.hexDump(m.content())).isEqualTo(bytes(128, 0xb1) + bytes(128, 0xb2) + bytes(51, 0xb3));
        m.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aSingleChunkMessageIsASliceOfTheReadBufferHeldUntilTheMessageIsReleased() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        ByteBuf read = Unpooled.wrappedBuffer(hex("03 0003e8 000004 08 01000000 af01a1a2")); // csid 3 fmt 0; ts 1000;
        channel.writeInbound(read);                                                          // len 4; audio; msid 1
        RawMessage m = channel.readInbound();
        assertThat(ByteBufUtil.hexDump(m.content())).isEqualTo("af01a1a2");
        assertThat(m.content().unwrap()).isSameAs(read); // not copied
        assertThat(read.refCnt()).isEqualTo(1);          // the decoder let go; the message holds the read buffer
        m.release();
        assertThat(read.refCnt()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aSingleChunkPayloadKeptByItsConsumerIsUnchangedByTheReadsThatFollow() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        channel.writeInbound(Unpooled.wrappedBuffer(hex("03 0003e8 000004 08 01000000 a1a1a1a1" // audio, 4 bytes
                + " 04 0003e8 000006 09 01000000 b1b1")));                                     // video: 2 of 6 bytes
        RawMessage kept = channel.readInbound();
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(Unpooled.wrappedBuffer(hex("b2b2b2b2")));                   // the video's last 4 bytes
        RawMessage video = channel.readInbound();
        channel.writeInbound(Unpooled.wrappedBuffer(hex("83 000014 c1c1c1c1")));          // fmt 2 audio; delta 20
        RawMessage next = channel.readInbound();
        assertThat(ByteBufUtil.hexDump(kept.content())).isEqualTo("a1a1a1a1");
        assertThat(ByteBufUtil.hexDump(video.content())).isEqualTo("b1b1b2b2b2b2");
        assertThat(ByteBufUtil.hexDump(next.content())).isEqualTo("c1c1c1c1");
        assertThat(next.timestamp()).isEqualTo(1020);
        kept.release();
        video.release();
        next.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private static RtmpLimits limits(int maxMessage, int maxStreams, int maxBuffered, int maxChunkSize) {
        return new RtmpLimits(maxMessage, maxStreams, maxBuffered, maxChunkSize, Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(5), 16, RtmpLimits.DEFAULT_READ_BATCH_HOLD,
                RtmpLimits.DEFAULT_MAX_BYTES_BEFORE_ADMISSION, RtmpLimits.DEFAULT_MAX_BYTES_BEFORE_ADMISSION_TOTAL,
                RtmpLimits.DEFAULT_ADMISSION_TIMEOUT);
    }

    private static void assertRejected(RtmpLimits limits, String hex, RtmpProtocolException.Reason reason,
            String message) {
        assertRejected(limits, false, hex, reason, message);
    }

    private static void assertRejected(RtmpLimits limits, boolean admitted, String hex,
            RtmpProtocolException.Reason reason, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(limits));
        if (admitted) {
            channel.pipeline().fireUserEventTriggered(PublishAdmitted.EVENT);
        }
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(hex(hex))))
                .isInstanceOf(DecoderException.class).cause().isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((RtmpProtocolException) e).reason()).isEqualTo(reason));
        drain(channel); // messages completed before the violation were delivered
        // terminal: later input is discarded, nothing is emitted
        channel.writeInbound(Unpooled.wrappedBuffer(hex("03 000000 000001 08 01000000 ff")));
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void acceptsAMessageAtTheSizeLimitAndRejectsOneByteMore() {
        String header307 = "04 0003e8 000133 09 3a300000 " + bytes(128, 0xb1) + " c4 " + bytes(128, 0xb2) + " c4 " + bytes(51, 0xb3);
        assertThat(decode(limits(307, 64, 1 << 20, 0xFFFFFF), List.of(hex(header307)))).hasSize(1);
        assertRejected(limits(306, 64, 1 << 20, 0xFFFFFF), header307, RtmpProtocolException.Reason.MESSAGE_TOO_LARGE,
                "message length 307 exceeds maxMessageSizeBytes 306");
    }

    @Test
    void rejectsAnAnnouncedOversizedMessageBeforeItsPayloadArrives() {
        assertRejected(RtmpLimits.defaults(), "06 000000 ffffff 09 01000000", RtmpProtocolException.Reason.MESSAGE_TOO_LARGE,
                "message length 16777215 exceeds maxMessageSizeBytes 8388608");
    }

    @Test
    void rejectsPartialMessagesBeyondTheConnectionBufferLimit() {
        String twoPartials = "04 000000 0000c8 09 01000000 " + bytes(128, 1)   // 200-byte message, 128 read
                + " 05 000000 0000c8 09 01000000 " + bytes(128, 2);            // another 200 bytes: 400 buffered
        assertThat(decode(limits(1000, 64, 400, 0xFFFFFF), List.of(hex(twoPartials)), true)).isEmpty();
        assertRejected(limits(1000, 64, 399, 0xFFFFFF), true, twoPartials, RtmpProtocolException.Reason.BUFFER_LIMIT,
                "partial messages of 400 bytes exceed maxBufferedBytesPerConnection 399");
    }

    @Test
    void rejectsMoreChunkStreamsThanTheLimit() {
        String three = "03 000000 000001 08 01000000 e0 04 000000 000001 08 01000000 e1 05 000000 000001 08 01000000 e2";
        assertThat(decode(limits(1000, 3, 1000, 0xFFFFFF), List.of(hex(three)))).hasSize(3);
        assertRejected(limits(1000, 2, 1000, 0xFFFFFF), three, RtmpProtocolException.Reason.TOO_MANY_CHUNK_STREAMS,
                "chunk stream 5 exceeds maxChunkStreams 2");
    }

    @Test
    void rejectsChunkSizeZeroAndAboveTheLimit() {
        assertRejected(RtmpLimits.defaults(), "02 000000 000004 01 00000000 00000000",
                RtmpProtocolException.Reason.BAD_CHUNK_SIZE, "Set Chunk Size 0");
        assertRejected(RtmpLimits.defaults(), "02 000000 000004 01 00000000 80000000",
                RtmpProtocolException.Reason.BAD_CHUNK_SIZE, "Set Chunk Size 2147483648");
        assertRejected(limits(1000, 64, 1000, 4096), "02 000000 000004 01 00000000 00001001",
                RtmpProtocolException.Reason.BAD_CHUNK_SIZE, "maxChunkSizeBytes 4096");
        assertRejected(RtmpLimits.defaults(), "02 000000 000002 01 00000000 0010",
                RtmpProtocolException.Reason.BAD_MESSAGE, "of 2 bytes, need 4");
    }

    @Test
    void rejectsACompressedHeaderOnAChunkStreamThatNeverStarted() {
        assertRejected(RtmpLimits.defaults(), "43 000000 000001 08 e0", RtmpProtocolException.Reason.BAD_CHUNK,
                "chunk stream 3 starts with a fmt 1 header");
    }

    @Test
    void acknowledgesEachWindowOfBytesReceived() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()), new ChunkEncoder());
        // peer's Window Acknowledgement Size 4096 (16 bytes), then a 4081-byte message in one chunk (after a
        // Set Chunk Size 8192 of 16 bytes): 4109 bytes in total
        channel.writeInbound(Unpooled.wrappedBuffer(hex("02 000000 000004 01 00000000 00002000"
                + " 02 000000 000004 05 00000000 00001000"
                + " 03 000000 000ff1 08 01000000 " + bytes(4081, 0xee))));
        ByteBuf ack = channel.readOutbound();
        // fmt 0 csid 2; ts 0; len 4; type 3 (Acknowledgement); msid 0; sequence number 4125
        assertThat(ByteBufUtil.hexDump(ack)).isEqualTo("020000000000040300000000" + "0000101d");
        ack.release();
        assertThat(drain(channel)).hasSize(3);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aWindowBelow4096BytesIsAcknowledgedEvery4096Bytes() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()), new ChunkEncoder());
        // Window Acknowledgement Size 1: a peer asking for an acknowledgement of every byte it sends
        channel.writeInbound(Unpooled.wrappedBuffer(hex("02 000000 000004 05 00000000 00000001")));
        for (int i = 0; i < 100; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(hex("03 000000 000001 08 01000000 ee"))); // 13 bytes each
        }
        assertThat((Object) channel.readOutbound()).as("1,316 bytes: under the 4,096-byte minimum").isNull();
        assertThat(drain(channel)).hasSize(101);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    /** Records the {@link ReadProgress} events behind the decoder. */
    private static final class Progress extends io.netty.channel.ChannelInboundHandlerAdapter {
        final List<ReadProgress> events = new ArrayList<>();

        @Override
        public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ReadProgress p) {
                events.add(p);
            }
        }

        ReadProgress last() {
            return events.get(events.size() - 1);
        }
    }

    @Test
    void reportsAfterEachReadTheBytesAndTheIncompleteMessageThatMissesTheMost() {
        Progress progress = new Progress();
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()), progress);
        // csid 4 fmt 0; ts 0; length 0x133 = 307; video; msid 1; first payload byte 0x17 (an AVC keyframe)
        channel.writeInbound(Unpooled.wrappedBuffer(hex("04 000000 000133 09 01000000 17" + bytes(127, 0xb1))));
        assertThat(progress.last()).isEqualTo(new ReadProgress(140, 9, 0x17, 307 - 128));
        channel.writeInbound(Unpooled.wrappedBuffer(hex("c4 " + bytes(100, 0xb2))));
        assertThat(progress.last()).isEqualTo(new ReadProgress(101, 9, 0x17, 307 - 228));
        channel.writeInbound(Unpooled.wrappedBuffer(hex(bytes(28, 0xb2))));
        assertThat(progress.last()).isEqualTo(new ReadProgress(28, 9, 0x17, 51));
        // an audio chunk starts in between (csid 3): its header bytes wait unread, and may belong to what is missing
        channel.writeInbound(Unpooled.wrappedBuffer(hex("03 0003")));
        assertThat(progress.last().incompleteBytesMissing()).isBetween(48, 51);
        channel.writeInbound(Unpooled.wrappedBuffer(hex("e8 000004 08 01000000 af01a1a2")));
        assertThat(progress.last()).isEqualTo(new ReadProgress(13, 9, 0x17, 51));
        channel.writeInbound(Unpooled.wrappedBuffer(hex("c4 " + bytes(51, 0xb3))));
        assertThat(progress.last()).as("nothing incomplete").isEqualTo(new ReadProgress(52, -1, -1, 0));
        assertThat(progress.events).hasSize(6);
        ReferenceCountUtil.release(channel.readInbound()); // the audio message
        ReferenceCountUtil.release(channel.readInbound()); // the video message
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    /** An allocator whose metric counts the bytes of every buffer it handed out and that is not released yet. */
    private static EmbeddedChannel measuredChannel(io.netty.buffer.UnpooledByteBufAllocator allocator,
            io.netty.channel.ChannelHandler... handlers) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(handlers);
        return channel;
    }

    /** The bytes of issue 29 finding 2: two chunk headers announcing 8 MiB video messages, one chunk of each. */
    private static final String TWO_8_MIB_HEADERS = "04 000000 800000 09 01000000 " + bytes(128, 0x17)
            + " 05 000000 800000 09 01000000 " + bytes(128, 0x17);

    @Test
    void beforeAdmissionTwoHeadersAnnouncing8MiBHoldTheirChunksNot16MiBUntilTheConnectionsLimit() {
        io.netty.buffer.UnpooledByteBufAllocator allocator = new io.netty.buffer.UnpooledByteBufAllocator(false);
        UnadmittedMemory unadmitted = new UnadmittedMemory(RtmpLimits.DEFAULT_MAX_BYTES_BEFORE_ADMISSION_TOTAL);
        EmbeddedChannel channel = measuredChannel(allocator, new ChunkDecoder(RtmpLimits.defaults(), unadmitted));
        channel.writeInbound(Unpooled.wrappedBuffer(hex(TWO_8_MIB_HEADERS)));
        assertThat(unadmitted.heldBytes()).as("two chunks of 128 bytes").isEqualTo(256);
        assertThat(allocator.metric().usedHeapMemory()).as("bytes reserved").isLessThan(4096);
        String chunk = " c4 " + bytes(128, 0xb2);
        // the 256 KiB limit is passed when the first message's buffer would grow (doubling) past it
        assertThatThrownBy(() -> {
            for (int i = 0; i < 4096; i++) {
                channel.writeInbound(Unpooled.wrappedBuffer(hex(chunk)));
            }
        }).isInstanceOf(DecoderException.class).cause().isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("bytes held before the publish was admitted exceed maxBytesBeforeAdmission 262144")
                .satisfies(e -> assertThat(((RtmpProtocolException) e).reason())
                        .isEqualTo(RtmpProtocolException.Reason.BEFORE_ADMISSION_LIMIT));
        assertThat(unadmitted.heldBytes()).isLessThanOrEqualTo(RtmpLimits.DEFAULT_MAX_BYTES_BEFORE_ADMISSION);
        assertThat(allocator.metric().usedHeapMemory()).isLessThanOrEqualTo(RtmpLimits.DEFAULT_MAX_BYTES_BEFORE_ADMISSION);
        channel.finishAndReleaseAll();
        assertThat(unadmitted.heldBytes()).isZero();
    }

    @Test
    void beforeAdmissionUnreadInputCountsTooWhenALargeChunkSizeLetsItWait() {
        // Set Chunk Size 16777215, then a 1 MiB message whose single chunk would wait unread in the input
        String header = "02 000000 000004 01 00000000 00ffffff 04 000000 100000 09 01000000";
        assertRejected(RtmpLimits.defaults(), header + bytes(300_000, 0x17),
                RtmpProtocolException.Reason.BEFORE_ADMISSION_LIMIT, "exceed maxBytesBeforeAdmission 262144");
    }

    @Test
    void connectionsNotAdmittedShareOneServerWideLimitAndReturnTheirShareWhenClosed() {
        RtmpLimits limits = RtmpLimits.defaults().withBeforeAdmission(256 * 1024, 512 * 1024, Duration.ofSeconds(15));
        UnadmittedMemory unadmitted = new UnadmittedMemory(limits.maxBytesBeforeAdmissionTotal());
        // 199,936 bytes of a 200,000-byte message in 128-byte chunks: its buffer grows to 200,000 bytes
        StringBuilder message = new StringBuilder("04 000000 030d40 09 01000000 " + bytes(128, 0x17));
        for (int i = 1; i < 200_000 / 128; i++) {
            message.append(" c4 ").append(bytes(128, 0xb2));
        }
        byte[] bytes = hex(message.toString());
        EmbeddedChannel first = new EmbeddedChannel(new ChunkDecoder(limits, unadmitted));
        first.writeInbound(Unpooled.wrappedBuffer(bytes));
        EmbeddedChannel second = new EmbeddedChannel(new ChunkDecoder(limits, unadmitted));
        second.writeInbound(Unpooled.wrappedBuffer(bytes));
        assertThat(unadmitted.heldBytes()).isEqualTo(400_000);
        EmbeddedChannel third = new EmbeddedChannel(new ChunkDecoder(limits, unadmitted));
        assertThatThrownBy(() -> third.writeInbound(Unpooled.wrappedBuffer(bytes)))
                .isInstanceOf(DecoderException.class).cause()
                .hasMessageContaining("would exceed maxBytesBeforeAdmissionTotal 524288");
        third.finishAndReleaseAll();
        assertThat(unadmitted.heldBytes()).isEqualTo(400_000);

        first.pipeline().fireUserEventTriggered(PublishAdmitted.EVENT);
        assertThat(unadmitted.heldBytes()).as("an admitted publisher draws on its own limit").isEqualTo(200_000);
        EmbeddedChannel fourth = new EmbeddedChannel(new ChunkDecoder(limits, unadmitted));
        fourth.writeInbound(Unpooled.wrappedBuffer(bytes));
        assertThat(unadmitted.heldBytes()).isEqualTo(400_000);
        for (EmbeddedChannel c : List.of(first, second, fourth)) {
            assertThat(c.isActive()).isTrue();
            assertThat(c.finishAndReleaseAll()).isFalse();
        }
        assertThat(unadmitted.heldBytes()).isZero();
    }

    @Test
    void afterAdmissionAMessageGetsABufferOfItsAnnouncedLengthOnce() {
        // a 400-byte message in four chunks: the buffer's capacity, not only its content, is the announced length
        EmbeddedChannel again = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        again.pipeline().fireUserEventTriggered(PublishAdmitted.EVENT);
        again.writeInbound(Unpooled.wrappedBuffer(hex("06 000000 000190 09 01000000 " + bytes(128, 0x17)
                + " c6 " + bytes(128, 0xb2) + " c6 " + bytes(128, 0xb2) + " c6 " + bytes(16, 0xb3))));
        RawMessage m = again.readInbound();
        assertThat(m.content().readableBytes()).isEqualTo(400);
        assertThat(m.content().capacity()).isEqualTo(400);
        m.release();
        assertThat(again.finishAndReleaseAll()).isFalse();
    }

    @Test
    void releasesPartialMessagesWhenTheConnectionCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        channel.writeInbound(Unpooled.wrappedBuffer(hex("04 000000 000200 09 01000000 " + bytes(128, 1))));
        assertThat(channel.finishAndReleaseAll()).isFalse(); // paranoid leak detection reports the partial if kept
    }
}
