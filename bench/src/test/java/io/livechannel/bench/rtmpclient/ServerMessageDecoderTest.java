package io.livechannel.bench.rtmpclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vectors captured from nginx-rtmp 1.2.2 (Debian libnginx-mod-rtmp, nginx 1.22.1) answering a publisher. */
class ServerMessageDecoderTest {
    /** What nginx-rtmp sends after {@code connect}: three protocol control messages and the connect result. */
    static final String AFTER_CONNECT = ""
            + "02 000000 000004 05 00000000" // fmt 0 csid 2; ts 0; len 4; Window Acknowledgement Size; msid 0
            + " 004c4b40"                    // 5,000,000 bytes
            + "02 000000 000005 06 00000000" // fmt 0 csid 2; ts 0; len 5; Set Peer Bandwidth
            + " 004c4b40 02"                 // 5,000,000 bytes, limit type dynamic
            + "02 000000 000004 01 00000000" // fmt 0 csid 2; ts 0; len 4; Set Chunk Size
            + " 00001000"                    // 4096
            + "03 000000 0000be 14 00000000" // fmt 0 csid 3; ts 0; len 190; AMF0 command; msid 0
            + " 0200075f726573756c74"        // string "_result"
            + " 003ff0000000000000"          // number 1 (transaction id)
            + " 03 0006666d73566572 02000d464d532f332c302c312c313233" // object { fmsVer: "FMS/3,0,1,123"
            + " 000c6361706162696c6974696573 00403f000000000000"        //   capabilities: 31
            + " 000009"                                                 // }
            + " 03 00056c6576656c 020006737461747573"                   // object { level: "status"
            + " 0004636f6465 02001d4e6574436f6e6e656374696f6e2e436f6e6e6563742e53756363657373" // code
            + " 000b6465736372697074696f6e 020015436f6e6e656374696f6e207375636365656465642e"   // description
            + " 000e6f626a656374456e636f64696e67 000000000000000000"   //   objectEncoding: 0
            + " 000009";                                                // }

    /** nginx-rtmp's answer to {@code createStream} (transaction 4), after the chunk size became 4096. */
    static final String CREATE_STREAM_RESULT = ""
            + "03 000000 00001d 14 00000000" // fmt 0 csid 3; ts 0; len 29; AMF0 command; msid 0
            + " 0200075f726573756c74"        // "_result"
            + " 004010000000000000"          // 4 (transaction id)
            + " 05"                          // null (command object)
            + " 003ff0000000000000";         // 1 (the new stream id)

    /** nginx-rtmp's answer to {@code publish}: onStatus NetStream.Publish.Start on message stream 1. */
    static final String PUBLISH_START = ""
            + "05 000000 000069 14 01000000" // fmt 0 csid 5; ts 0; len 105; AMF0 command; msid 1 (LE)
            + " 0200086f6e537461747573"      // "onStatus"
            + " 000000000000000000"          // 0 (transaction id)
            + " 05"                          // null
            + " 03 00056c6576656c 020006737461747573"                   // { level: "status"
            + " 0004636f6465 0200174e657453747265616d2e5075626c6973682e5374617274"         // code
            + " 000b6465736372697074696f6e 0200105374617274207075626c697368696e67 000009"; // description }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static List<ServerMessage> decode(EmbeddedChannel ch, byte[] input, int... splits) {
        int from = 0;
        for (int split : splits) {
            ch.writeInbound(Unpooled.wrappedBuffer(input, from, split - from));
            from = split;
        }
        ch.writeInbound(Unpooled.wrappedBuffer(input, from, input.length - from));
        List<ServerMessage> out = new ArrayList<>();
        ServerMessage m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        return out;
    }

    @Test
    void decodesNginxConnectAnswerIntoFourMessages() {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerMessageDecoder());
        List<ServerMessage> msgs = decode(ch, bytes(AFTER_CONNECT));
        assertThat(msgs).extracting(ServerMessage::typeId).containsExactly(5, 6, 1, 20);
        ServerReply reply = Amf0ReplyReader.read(msgs.get(3).content());
        assertThat(reply).isEqualTo(new ServerReply("_result", 1, Double.NaN, "NetConnection.Connect.Success"));
        msgs.forEach(ServerMessage::release);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void decodesTheSameMessagesWhateverByteTheInputIsSplitAt() {
        byte[] input = bytes(AFTER_CONNECT + CREATE_STREAM_RESULT + PUBLISH_START);
        for (int split = 1; split < input.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new ServerMessageDecoder());
            List<ServerMessage> msgs = decode(ch, input, split);
            assertThat(msgs).as("split at %d", split).extracting(ServerMessage::typeId)
                    .containsExactly(5, 6, 1, 20, 20, 20);
            assertThat(msgs.get(5).messageStreamId()).isEqualTo(1);
            msgs.forEach(ServerMessage::release);
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void decodesTheSameMessagesFedOneByteAtATime() {
        byte[] input = bytes(AFTER_CONNECT + CREATE_STREAM_RESULT + PUBLISH_START);
        int[] everyByte = new int[input.length - 1];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        EmbeddedChannel ch = new EmbeddedChannel(new ServerMessageDecoder());
        List<ServerMessage> msgs = decode(ch, input, everyByte);
        assertThat(msgs).extracting(ServerMessage::typeId).containsExactly(5, 6, 1, 20, 20, 20);
        msgs.forEach(ServerMessage::release);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void readsTheStreamIdOfCreateStreamAndTheCodeOfPublishStart() {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerMessageDecoder());
        List<ServerMessage> msgs = decode(ch, bytes(CREATE_STREAM_RESULT + PUBLISH_START));
        assertThat(Amf0ReplyReader.read(msgs.get(0).content()))
                .isEqualTo(new ServerReply("_result", 4, 1, ""));
        assertThat(Amf0ReplyReader.read(msgs.get(1).content()))
                .isEqualTo(new ServerReply("onStatus", 0, Double.NaN, "NetStream.Publish.Start"));
        msgs.forEach(ServerMessage::release);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void refusesAMessageLongerThanTheLimitBeforeAllocating() {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerMessageDecoder());
        ByteBuf huge = Unpooled.wrappedBuffer(bytes("03 000000 200000 14 00000000")); // len 2 MiB > 1 MiB limit
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ch.writeInbound(huge))
                .hasMessageContaining("message length 2097152 exceeds MAX_MESSAGE_BYTES 1048576");
        ch.finishAndReleaseAll();
    }
}
