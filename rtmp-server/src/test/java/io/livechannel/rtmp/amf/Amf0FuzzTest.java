package io.livechannel.rtmp.amf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.rtmp.RtmpProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * Properties of the AMF0 reader on any input: only {@link RtmpProtocolException} escapes, and what it reads the
 * writer re-encodes to bytes that read back to equal values. Plain {@code mvn test} replays the corpus in
 * {@code Amf0FuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class Amf0FuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readsOrRejectsAndRoundTrips(byte[] data) {
        ByteBuf in = Unpooled.wrappedBuffer(data);
        List<AmfValue> values;
        try {
            values = new Amf0Reader(16).readAll(in);
        } catch (RtmpProtocolException expected) {
            return;
        } finally {
            in.release();
        }
        ByteBuf out = Unpooled.buffer(data.length);
        try {
            Amf0Writer.writeAll(values, out);
            assertThat(new Amf0Reader(16).readAll(out)).isEqualTo(values);
        } finally {
            out.release();
        }
    }
}
