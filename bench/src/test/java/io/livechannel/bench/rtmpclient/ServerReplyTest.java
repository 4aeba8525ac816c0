package io.livechannel.bench.rtmpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.amf.Amf0Reader;
import io.livechannel.rtmp.amf.AmfNumber;
import io.livechannel.rtmp.amf.AmfString;
import io.livechannel.rtmp.chunk.ChunkDecoder;
import io.livechannel.rtmp.chunk.RawMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replies captured from nginx-rtmp 1.2.2 (Debian libnginx-mod-rtmp, nginx 1.22.1) answering a publisher, decoded
 * the way the load generator decodes them: rtmp-server's ChunkDecoder and Amf0Reader, then {@link ServerReply}.
 */
class ServerReplyTest {
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

    private static List<RawMessage> decode(String hex) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", ""))));
        List<RawMessage> out = new ArrayList<>();
        RawMessage m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
        return out;
    }

    private static ServerReply reply(RawMessage m) {
        try {
            return ServerReply.of(new Amf0Reader(RtmpLimits.DEFAULT_MAX_AMF_DEPTH).readAll(m.content()));
        } finally {
            m.release();
        }
    }

    @Test
    void connectResultCarriesTheConnectSuccessCode() {
        List<RawMessage> msgs = decode(AFTER_CONNECT);
        assertThat(msgs).extracting(RawMessage::typeId).containsExactly(5, 6, 1, 20);
        msgs.subList(0, 3).forEach(RawMessage::release);
        assertThat(reply(msgs.get(3)))
                .isEqualTo(new ServerReply("_result", 1, Double.NaN, "NetConnection.Connect.Success"));
    }

    @Test
    void createStreamResultCarriesTheNewStreamIdAndPublishStartItsCode() {
        List<RawMessage> msgs = decode(AFTER_CONNECT + CREATE_STREAM_RESULT + PUBLISH_START);
        msgs.subList(0, 4).forEach(RawMessage::release);
        assertThat(reply(msgs.get(4))).isEqualTo(new ServerReply("_result", 4, 1, ""));
        assertThat(msgs.get(5).messageStreamId()).isEqualTo(1);
        assertThat(reply(msgs.get(5)))
                .isEqualTo(new ServerReply("onStatus", 0, Double.NaN, "NetStream.Publish.Start"));
    }

    @Test
    void refusesValuesThatDoNotStartWithANameAndATransactionId() {
        assertThatThrownBy(() -> ServerReply.of(List.of(new AmfNumber(1), new AmfString("_result"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an AMF0 command");
    }
}
