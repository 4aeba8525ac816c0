package io.livechannel.rtmp.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.amf.AmfNull;
import io.livechannel.rtmp.amf.AmfNumber;
import io.livechannel.rtmp.amf.AmfString;
import io.livechannel.rtmp.chunk.MessageType;
import io.livechannel.rtmp.chunk.RawMessage;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MessageReaderTest {
    private static RawMessage raw(long ts, int type, String hex) {
        return new RawMessage(3, ts, type, 1, Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", ""))));
    }

    /** Reads raw messages as the session does, keeping what the reader hands over; releases the raw messages. */
    private static final class Reading {
        private final MessageReader reader = new MessageReader(16);
        private final ArrayDeque<RtmpMessage> out = new ArrayDeque<>();

        void writeInbound(RawMessage raw) {
            try {
                reader.read(raw, out::add);
            } finally {
                raw.release();
            }
        }

        @SuppressWarnings("unchecked")
        <T> T readInbound() {
            return (T) out.poll();
        }

        boolean finishAndReleaseAll() {
            boolean any = !out.isEmpty();
            out.forEach(io.netty.util.ReferenceCountUtil::release);
            return any;
        }
    }

    private static Reading channel() {
        return new Reading();
    }

    @Test
    void decodesProtocolAndUserControlMessages() {
        Reading channel = channel();
        channel.writeInbound(raw(0, 1, "00001000"));                      // Set Chunk Size 4096
        channel.writeInbound(raw(0, 3, "0000abcd"));                      // Acknowledgement 43981
        channel.writeInbound(raw(0, 5, "002625a0"));                      // Window Ack Size 2500000
        channel.writeInbound(raw(0, 6, "002625a0 02"));                   // Set Peer Bandwidth 2500000 dynamic
        channel.writeInbound(raw(0, 4, "0006 00001234"));                 // Ping Request ts 0x1234
        channel.writeInbound(raw(0, 4, "0003 00000001 00000bb8"));        // Set Buffer Length stream 1, 3000 ms
        channel.writeInbound(raw(0, 4, "001f 00000001"));                 // undocumented event 31
        assertThat((Object) channel.readInbound()).isEqualTo(new SetChunkSize(4096));
        assertThat((Object) channel.readInbound()).isEqualTo(new Acknowledgement(43981));
        assertThat((Object) channel.readInbound()).isEqualTo(new WindowAcknowledgementSize(2_500_000));
        assertThat((Object) channel.readInbound())
                .isEqualTo(new SetPeerBandwidth(2_500_000, SetPeerBandwidth.LimitType.DYNAMIC));
        assertThat((Object) channel.readInbound())
                .isEqualTo(new UserControl(UserControlEventType.PING_REQUEST, 0x1234, 0));
        assertThat((Object) channel.readInbound())
                .isEqualTo(new UserControl(UserControlEventType.SET_BUFFER_LENGTH, 1, 3000));
        assertThat((Object) channel.readInbound()).isEqualTo(new UserControl(UserControlEventType.UNKNOWN, 1, 0));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void readsAmf3EnvelopeCommandsAsAmf0AfterTheFormatByte() {
        Reading channel = channel();
        // type 17: 00 (AMF0 in AMF3 envelope) "deleteStream" 6.0 null 1.0
        channel.writeInbound(raw(0, 17, "00 02000c64656c65746553747265616d 00 4018000000000000 05 00 3ff0000000000000"));
        CommandMessage command = channel.readInbound();
        assertThat(command.values()).containsExactly(new AmfString("deleteStream"), new AmfNumber(6), AmfNull.INSTANCE,
                new AmfNumber(1));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void splitsAggregatesIntoTimestampedAudioAndVideo() {
        Reading channel = channel();
        channel.writeInbound(raw(5000, 22,
                "09 000002 000064 00 000000 1701 0000000d"    // video, 2 bytes, ts 100: 17 01; back pointer 13
                + " 08 000002 00007b 00 000000 af01 0000000d")); // audio, 2 bytes, ts 123: af 01
        MediaMessage video = channel.readInbound();
        MediaMessage audio = channel.readInbound();
        assertThat(video.type()).isEqualTo(MessageType.VIDEO);
        assertThat(audio.type()).isEqualTo(MessageType.AUDIO);
        assertThat(video.timestamp()).isEqualTo(5000);
        assertThat(ByteBufUtil.hexDump(video.content())).isEqualTo("1701");
        assertThat(audio.timestamp()).isEqualTo(5023);
        assertThat(ByteBufUtil.hexDump(audio.content())).isEqualTo("af01");
        video.release();
        audio.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void rejectsAnAggregateWhoseSubMessageOverrunsIt() {
        Reading channel = channel();
        assertThatThrownBy(() -> channel.writeInbound(raw(0, 22, "09 0000ff 000000 00 000000 1701")))
                .isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("aggregate sub-message of 255 bytes");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void rejectsControlMessagesThatAreTooShort() {
        Reading channel = channel();
        assertThatThrownBy(() -> channel.writeInbound(raw(0, 6, "0026")))
                .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("need 5");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void skipsUnknownMessageTypes() {
        Reading channel = channel();
        channel.writeInbound(raw(0, 19, "00"));   // shared object: not used by publishers
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
