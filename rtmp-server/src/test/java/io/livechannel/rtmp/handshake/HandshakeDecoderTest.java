package io.livechannel.rtmp.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.rtmp.RtmpProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HandshakeDecoderTest {
    private static final int BLOCK = 1536;

    /** C0 + C1 as ffmpeg 5.1 sent them: C0 = 3, C1 time 0, version 9.0.124.2, a scheme-0/1 client digest. */
    private static byte[] ffmpegC0C1() throws IOException {
        try (InputStream in = HandshakeDecoderTest.class.getResourceAsStream("ffmpeg-5.1-c0c1.bin")) {
            return in.readAllBytes();
        }
    }

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new HandshakeDecoder(Duration.ofSeconds(10), new Random(1)));
    }

    private static byte[] hmacSha256(byte[] key, byte[] data, int from, int to) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(data, from, to - from);
        return mac.doFinal();
    }

    /** The checks ffmpeg's rtmp_handshake applies to S1 and S2, written independently of HandshakeDigest. */
    @Test
    void answersFfmpegsDigestC1WithAnS1AndS2ThatFfmpegAccepts() throws Exception {
        byte[] c0c1 = ffmpegC0C1();
        assertThat(c0c1[0]).isEqualTo((byte) 3);
        assertThat(Arrays.copyOfRange(c0c1, 5, 9)).containsExactly(0x09, 0x00, 0x7c, 0x02); // Flash 9.0.124.2
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(c0c1));
        ByteBuf response = channel.readOutbound();
        byte[] s = ByteBufUtil.getBytes(response);
        response.release();
        assertThat(s).hasSize(1 + 2 * BLOCK);
        assertThat(s[0]).isEqualTo((byte) 3);
        byte[] s1 = Arrays.copyOfRange(s, 1, 1 + BLOCK);
        byte[] s2 = Arrays.copyOfRange(s, 1 + BLOCK, 1 + 2 * BLOCK);
        assertThat(Arrays.copyOfRange(s1, 4, 8)).isNotEqualTo(new byte[4]); // a version: we did the digest handshake

        // S1 digest at scheme 0: offset = sum(S1[8..11]) % 728 + 12, HMAC keyed by "Genuine Adobe Flash Media Server 001"
        int offset = ((s1[8] & 0xff) + (s1[9] & 0xff) + (s1[10] & 0xff) + (s1[11] & 0xff)) % 728 + 12;
        byte[] withoutDigest = new byte[BLOCK - 32];
        System.arraycopy(s1, 0, withoutDigest, 0, offset);
        System.arraycopy(s1, offset + 32, withoutDigest, offset, BLOCK - offset - 32);
        byte[] serverKey = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOfRange(s1, offset, offset + 32))
                .isEqualTo(hmacSha256(serverKey, withoutDigest, 0, withoutDigest.length));

        // S2 tail = HMAC(HMAC(server key + 32-byte tail, client digest), S2[0..1504)); client digest found in C1
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, 1 + BLOCK);
        int clientOffset = HandshakeDigest.findDigest(c1, HandshakeDigest.CLIENT_KEY);
        assertThat(clientOffset).isGreaterThan(0);
        byte[] key = hmacSha256(HandshakeDigest.SERVER_KEY_FULL, c1, clientOffset, clientOffset + 32);
        assertThat(Arrays.copyOfRange(s2, BLOCK - 32, BLOCK)).isEqualTo(hmacSha256(key, s2, 0, BLOCK - 32));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void answersAZeroVersionC1WithTheSimpleHandshakeEchoingC1() {
        byte[] c0c1 = new byte[1 + BLOCK];
        c0c1[0] = 3;
        new Random(7).nextBytes(c0c1);
        c0c1[0] = 3;
        Arrays.fill(c0c1, 5, 9, (byte) 0); // C1 zero field: simple handshake (RTMP spec §5.2.3)
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(c0c1));
        ByteBuf response = channel.readOutbound();
        byte[] s = ByteBufUtil.getBytes(response);
        response.release();
        assertThat(Arrays.copyOfRange(s, 5, 9)).containsExactly(0, 0, 0, 0);
        assertThat(Arrays.copyOfRange(s, 1 + BLOCK, 1 + 2 * BLOCK)).isEqualTo(Arrays.copyOfRange(c0c1, 1, 1 + BLOCK));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aVersionWithoutAValidDigestFallsBackToSimple() {
        byte[] c0c1 = new byte[1 + BLOCK];
        c0c1[0] = 3;
        c0c1[5] = 9; // a version but random bytes where the digest should be
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(c0c1));
        ByteBuf response = channel.readOutbound();
        assertThat(ByteBufUtil.getBytes(response, 1 + BLOCK, BLOCK)).isEqualTo(Arrays.copyOfRange(c0c1, 1, 1 + BLOCK));
        response.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void removesItselfAfterC2AndPassesTheFollowingBytesOnUntouchedAtEverySplit() throws Exception {
        byte[] c0c1 = new byte[1 + BLOCK]; // simple handshake: the split behaviour does not depend on the digest
        c0c1[0] = 3;
        byte[] after = "chunk stream bytes".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[c0c1.length + BLOCK + after.length];
        System.arraycopy(c0c1, 0, all, 0, c0c1.length);
        System.arraycopy(after, 0, all, c0c1.length + BLOCK, after.length);
        for (int split = 1; split < all.length; split++) {
            EmbeddedChannel channel = channel();
            channel.writeInbound(Unpooled.wrappedBuffer(all, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(all, split, all.length - split));
            ByteBuf response = channel.readOutbound();
            assertThat(response.readableBytes()).isEqualTo(1 + 2 * BLOCK);
            response.release();
            assertThat(channel.pipeline().get(HandshakeDecoder.class)).as("split %d", split).isNull();
            ByteBuf rest = Unpooled.buffer();
            for (ByteBuf b; (b = channel.readInbound()) != null; ) {
                rest.writeBytes(b);
                b.release();
            }
            assertThat(ByteBufUtil.getBytes(rest)).as("split %d", split).isEqualTo(after);
            rest.release();
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void rejectsRtmpeAndOtherVersionsAtTheFirstByte() {
        EmbeddedChannel channel = channel();
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {6, 1, 2})))
                .isInstanceOf(DecoderException.class).cause().isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("C0 version 6 is not RTMP version 3");
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void closesAConnectionWhoseHandshakeDoesNotCompleteInTime() {
        EmbeddedChannel channel = activeChannelWithFrozenTime();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 0, 0})); // C0 and 2 bytes of C1, then silence
        assertClosedAfterTenSecondsNotBefore(channel);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void timeoutStartsWhenAddedToAnAlreadyActiveChannelAsAfterProtocolSniffing() {
        assertClosedAfterTenSecondsNotBefore(activeChannelWithFrozenTime());
    }

    /**
     * An active channel whose clock is frozen before the decoder is added (as after protocol sniffing), so the
     * deadline is armed on the frozen clock: EmbeddedChannel's clock otherwise follows real time too, and a real
     * millisecond between arming and the 9,999 ms check would fire it early.
     */
    private static EmbeddedChannel activeChannelWithFrozenTime() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new HandshakeDecoder(Duration.ofSeconds(10), new Random(1)));
        return channel;
    }

    private static void assertClosedAfterTenSecondsNotBefore(EmbeddedChannel channel) {
        channel.advanceTimeBy(9_999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isTrue();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isFalse();
    }
}
