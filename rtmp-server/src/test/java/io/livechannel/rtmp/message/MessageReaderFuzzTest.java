package io.livechannel.rtmp.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.chunk.MessageType;
import io.livechannel.rtmp.chunk.RawMessage;
import io.livechannel.rtmp.command.CommandParser;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Any message type, timestamp and payload (input: type id, 4 timestamp bytes, payload) through the
 * {@link MessageReader} and, for commands, the {@link CommandParser}, as the session reads every message that is
 * not plain audio or video. Properties: only {@link RtmpProtocolException} escapes; the reader neither releases nor
 * retains the raw message; a message that is not an aggregate gives at most one typed message of its own type; an
 * aggregate's sub-messages fit inside it (an 11-byte header each), with timestamps rebased onto the aggregate's;
 * every command parses to a {@code Command} or a BAD_COMMAND error. Corpus: {@code MessageReaderFuzzTestInputs/}.
 */
class MessageReaderFuzzTest {
    private static final int AGGREGATE_HEADER_BYTES = 11;

    @FuzzTest(maxDuration = "60s")
    void readsOrRefusesAndAggregatesStayInside(byte[] data) {
        if (data.length < 5) {
            return;
        }
        int typeId = data[0] & 0xFF;
        long timestamp = Integer.toUnsignedLong((data[1] & 0xFF) << 24 | (data[2] & 0xFF) << 16
                | (data[3] & 0xFF) << 8 | (data[4] & 0xFF));
        RawMessage raw = new RawMessage(3, timestamp, typeId, 1, Unpooled.wrappedBuffer(data, 5, data.length - 5));
        List<RtmpMessage> read = new ArrayList<>();
        try {
            new MessageReader(RtmpLimits.DEFAULT_MAX_AMF_DEPTH).read(raw, read::add);
            check(raw, read);
            read.forEach(ReferenceCountUtil::release);
            read.clear();
            assertThat(raw.refCnt()).as("read neither releases nor retains beyond what it hands out").isEqualTo(1);
        } catch (RtmpProtocolException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        } finally {
            read.forEach(ReferenceCountUtil::release);
            raw.release();
        }
    }

    private static void check(RawMessage raw, List<RtmpMessage> read) {
        if (raw.type() != MessageType.AGGREGATE) {
            assertThat(read).hasSizeLessThanOrEqualTo(1);
            read.forEach(m -> assertThat(m.type()).isEqualTo(raw.type() == MessageType.COMMAND_AMF3
                    ? MessageType.COMMAND_AMF0 : raw.type() == MessageType.DATA_AMF3 ? MessageType.DATA_AMF0 : raw.type()));
        } else {
            long inside = 0;
            for (RtmpMessage m : read) {
                if (m instanceof MediaMessage media) {
                    inside += AGGREGATE_HEADER_BYTES + media.content().readableBytes();
                    assertThat(media.timestamp()).isBetween(0L, 0xFFFFFFFFL);
                }
            }
            assertThat(inside).isLessThanOrEqualTo(raw.content().readableBytes());
            int firstType = raw.content().readableBytes() > 0 ? raw.content().getUnsignedByte(0) : -1;
            if (!read.isEmpty() && (firstType == 8 || firstType == 9)) {
                assertThat(((MediaMessage) read.get(0)).timestamp())
                        .as("the first sub-message takes the aggregate's timestamp").isEqualTo(raw.timestamp());
            }
        }
        for (RtmpMessage m : read) {
            if (m instanceof CommandMessage command) {
                parse(command);
            }
        }
    }

    private static void parse(CommandMessage command) {
        try {
            assertThat(CommandParser.parse(command)).isNotNull();
        } catch (RtmpProtocolException refused) {
            assertThat(refused.reason()).isEqualTo(RtmpProtocolException.Reason.BAD_COMMAND);
        }
    }
}
