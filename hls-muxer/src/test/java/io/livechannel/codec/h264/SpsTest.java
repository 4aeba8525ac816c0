package io.livechannel.codec.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.codec.MalformedMediaException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SpsTest {
    /** ffmpeg 5.1 libx264 -profile:v high, testsrc2 320x180 at 25 fps (captured from its FLV sequence header). */
    static final byte[] HIGH_320X180_25FPS = HexFormat.of().parseHex(
            "67" // forbidden_zero 0, nal_ref_idc 3, nal_unit_type 7 (SPS)
            + "64" // profile_idc 100 (High)
            + "00" // constraint flags
            + "0c" // level_idc 12
            + "acd941419f9f011000000300100000030320f1429960"); // ue fields, cropping to 180 rows, VUI 50/2 ticks

    /** ffmpeg 5.1 libx264 -profile:v baseline, testsrc2 1280x720 at 30 fps. */
    static final byte[] BASELINE_1280X720_30FPS = HexFormat.of().parseHex(
            "67" // SPS
            + "42" // profile_idc 66 (Baseline)
            + "c0" // constraint_set0 and set1
            + "1f" // level_idc 31
            + "d9005005bb0110000003001000000303c0f1832480"); // no cropping, VUI timing 60/2 ticks

    @Test
    void readsCroppedSizeProfileLevelAndFrameRateOfHighProfileSps() {
        Sps sps = Sps.parse(HIGH_320X180_25FPS);

        assertThat(sps.profileIdc()).isEqualTo(100);
        assertThat(sps.levelIdc()).isEqualTo(12);
        assertThat(sps.chromaFormatIdc()).isEqualTo(1);
        assertThat(sps.width()).isEqualTo(320);
        assertThat(sps.height()).isEqualTo(180);
        assertThat(sps.frameRate()).hasValue(25.0);
    }

    @Test
    void readsBaselineSpsWithoutChromaFields() {
        Sps sps = Sps.parse(BASELINE_1280X720_30FPS);

        assertThat(sps.profileIdc()).isEqualTo(66);
        assertThat(sps.constraintFlags()).isEqualTo(0xC0);
        assertThat(sps.levelIdc()).isEqualTo(31);
        assertThat(sps.width()).isEqualTo(1280);
        assertThat(sps.height()).isEqualTo(720);
        assertThat(sps.frameRate()).hasValue(30.0);
    }

    @Test
    void everyTruncationIsMalformedOrStillYieldsTheSameValuesNeverAnIndexError() {
        Sps full = Sps.parse(HIGH_320X180_25FPS);
        int parsed = 0;
        for (int length = 0; length < HIGH_320X180_25FPS.length; length++) {
            byte[] truncated = Arrays.copyOf(HIGH_320X180_25FPS, length);
            try {
                assertThat(Sps.parse(truncated)).as("SPS cut to %d bytes", length).isEqualTo(full);
                parsed++;
            } catch (MalformedMediaException e) {
                assertThat(e).hasMessageContaining("SPS");
            }
        }
        // the VUI fields after time_scale (fixed_frame_rate_flag, bitstream_restriction: the last 4 bytes) are not
        // read, so only cuts inside them may parse
        assertThat(parsed).isLessThanOrEqualTo(4);
    }

    @Test
    void rejectsNalUnitThatIsNotAnSps() {
        byte[] pps = HexFormat.of().parseHex("68ebe3cb22c0");

        assertThatThrownBy(() -> Sps.parse(pps))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("not an SPS: nal_unit_type 8");
    }

    @Test
    void rejectsSpsLongerThanLimit() {
        byte[] huge = Arrays.copyOf(HIGH_320X180_25FPS, Sps.MAX_SPS_BYTES + 1);

        assertThatThrownBy(() -> Sps.parse(huge))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("SPS of 4097 bytes exceeds MAX_SPS_BYTES 4096");
    }

    @Test
    void acceptsSpsExactlyAtLimit() {
        byte[] padded = Arrays.copyOf(HIGH_320X180_25FPS, Sps.MAX_SPS_BYTES);

        assertThat(Sps.parse(padded).width()).isEqualTo(320);
    }

    @Test
    void removesEmulationPreventionBytes() {
        byte[] escaped = HexFormat.of().parseHex("0000030100000302");

        assertThat(Sps.unescape(escaped)).isEqualTo(HexFormat.of().parseHex("000001000002"));
    }
}
