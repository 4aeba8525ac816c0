package io.livechannel.codec.h264;

import io.livechannel.codec.BitReader;
import io.livechannel.codec.MalformedMediaException;
import java.util.OptionalDouble;

/**
 * The fields of an H.264 sequence parameter set that describe the picture: {@code seq_parameter_set_rbsp()},
 * ITU-T H.264 §7.3.2.1.1, with the VUI timing of Annex E.1.1.
 *
 * <p>{@code width} and {@code height} are the displayed size in pixels, after frame cropping (§7.4.2.1.1:
 * {@code CropUnitX}/{@code CropUnitY}). The frame rate comes from the VUI timing info when present:
 * {@code time_scale / (2 * num_units_in_tick)} (Annex E.2.1, one frame = two fields' worth of ticks).
 *
 * <table>
 * <caption>Limits</caption>
 * <tr><th>limit</th><th>value</th><th>why</th></tr>
 * <tr><td>{@link #MAX_SPS_BYTES}</td><td>{@value #MAX_SPS_BYTES}</td><td>an SPS with every scaling list and a full
 * VUI stays below 1 KiB; more is not an SPS</td></tr>
 * </table>
 *
 * @param profileIdc           {@code profile_idc} (66 Baseline, 77 Main, 100 High, ...)
 * @param constraintFlags      the byte after {@code profile_idc} ({@code constraint_set0_flag..}, reserved bits)
 * @param levelIdc             {@code level_idc}, ten times the level number (31 = level 3.1)
 * @param chromaFormatIdc      {@code chroma_format_idc} (1 = 4:2:0 unless the profile says otherwise)
 * @param width                displayed width in pixels
 * @param height               displayed height in pixels
 * @param numUnitsInTick       VUI {@code num_units_in_tick}, 0 when absent
 * @param timeScale            VUI {@code time_scale}, 0 when absent
 */
public record Sps(int profileIdc, int constraintFlags, int levelIdc, int chromaFormatIdc, int width, int height,
                  long numUnitsInTick, long timeScale) {

    /** Largest SPS NAL unit accepted, in bytes. */
    public static final int MAX_SPS_BYTES = 4096;

    /** Largest picture dimension in macroblocks accepted; level 6.2 allows 139264 macroblocks per frame. */
    private static final int MAX_MBS_PER_DIMENSION = 1 << 14;

    public Sps {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("picture size " + width + "x" + height + " not positive");
        }
    }

    /** Frames per second from the VUI timing info, if the SPS carries it. */
    public OptionalDouble frameRate() {
        if (numUnitsInTick == 0 || timeScale == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(timeScale / (2.0 * numUnitsInTick));
    }

    /**
     * Parses one SPS NAL unit, starting with its NAL header byte (type 7), without start code or length prefix.
     * Emulation prevention bytes are removed first (§7.4.1).
     *
     * @throws MalformedMediaException if the NAL unit is not an SPS, is longer than {@link #MAX_SPS_BYTES}, ends
     *                                 early, or holds a value outside its range
     */
    public static Sps parse(byte[] nalUnit) {
        if (nalUnit.length < 4) {
            throw new MalformedMediaException("SPS too short: " + nalUnit.length + " bytes, needs at least 4");
        }
        if (nalUnit.length > MAX_SPS_BYTES) {
            throw new MalformedMediaException("SPS of " + nalUnit.length + " bytes exceeds MAX_SPS_BYTES "
                    + MAX_SPS_BYTES);
        }
        if (NalUnitType.ofHeaderByte(nalUnit[0]) != NalUnitType.SPS) {
            throw new MalformedMediaException("not an SPS: nal_unit_type " + (nalUnit[0] & 0x1F));
        }
        byte[] rbsp = unescape(nalUnit);
        return new SpsReader(new BitReader(rbsp, 1, rbsp.length - 1, "SPS")).read();
    }

    /** Removes {@code emulation_prevention_three_byte}s: {@code 00 00 03} becomes {@code 00 00}. */
    static byte[] unescape(byte[] nal) {
        byte[] out = new byte[nal.length];
        int n = 0;
        int zeros = 0;
        for (byte b : nal) {
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = b;
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    static int checkMacroblocks(long value, String field) {
        if (value >= MAX_MBS_PER_DIMENSION) {
            throw new MalformedMediaException("SPS field " + field + " = " + value + " exceeds "
                    + (MAX_MBS_PER_DIMENSION - 1));
        }
        return (int) value;
    }
}
