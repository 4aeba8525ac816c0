package io.livechannel.codec.aac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AdtsHeaderTest {
    /** First ADTS header of ffmpeg 5.1 "-c:a aac -ac 2 -ar 48000 -f adts". */
    static final String FFMPEG_48K_STEREO = "fff1" // syncword, MPEG-4, layer 0, no CRC
            + "4c" // profile 1 (LC), sf index 3 (48000), private 0, channel bit 2 = 0
            + "80" // channel low bits 10 (2), flags 0, frame_length high bits 00
            + "24ff" // frame_length 295, buffer fullness high bits
            + "fc"; // buffer fullness 0x7FF, 1 raw data block

    @Test
    void readsFfmpegHeader() {
        AdtsHeader header = AdtsHeader.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex(FFMPEG_48K_STEREO)));

        assertThat(header).isEqualTo(new AdtsHeader(1, 3, 2, 295));
    }

    @Test
    void writesSameBytesAsFfmpeg() {
        ByteBuf out = Unpooled.buffer();

        new AdtsHeader(1, 3, 2, 295).writeTo(out);

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(FFMPEG_48K_STEREO);
    }

    @Test
    void rejectsBytesWithoutSyncword() {
        assertThatThrownBy(() -> AdtsHeader.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex("00f14c8024fffc"))))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("not an ADTS header");
    }
}
