package io.livechannel.codec.h264;

import io.livechannel.codec.BitReader;
import io.livechannel.codec.MalformedMediaException;

/** Walks {@code seq_parameter_set_data()} (ITU-T H.264 §7.3.2.1.1) field by field for {@link Sps#parse}. */
final class SpsReader {
    private final BitReader in;
    private int chromaFormatIdc = 1;
    private boolean separateColourPlane;

    SpsReader(BitReader in) {
        this.in = in;
    }

    Sps read() {
        int profileIdc = in.readBits(8, "profile_idc");
        int constraintFlags = in.readBits(8, "constraint_set_flags");
        int levelIdc = in.readBits(8, "level_idc");
        in.readUe("seq_parameter_set_id", 31);
        if (hasChromaInfo(profileIdc)) {
            readChromaAndScaling();
        }
        in.readUe("log2_max_frame_num_minus4", 12);
        readPictureOrderCount();
        in.readUe("max_num_ref_frames", 255);
        in.readFlag("gaps_in_frame_num_value_allowed_flag");
        int[] size = readPictureSize();
        long numUnitsInTick = 0;
        long timeScale = 0;
        if (in.readFlag("vui_parameters_present_flag")) {
            long[] timing = readVuiTiming();
            numUnitsInTick = timing[0];
            timeScale = timing[1];
        }
        return new Sps(profileIdc, constraintFlags, levelIdc, chromaFormatIdc, size[0], size[1], numUnitsInTick,
                timeScale);
    }

    /** Macroblock counts, frame/field coding and cropping (§7.4.2.1.1); returns {width, height} in pixels. */
    private int[] readPictureSize() {
        int widthMbs = Sps.checkMacroblocks(in.readUe("pic_width_in_mbs_minus1") + 1, "pic_width_in_mbs_minus1");
        int heightMapUnits = Sps.checkMacroblocks(in.readUe("pic_height_in_map_units_minus1") + 1,
                "pic_height_in_map_units_minus1");
        boolean frameMbsOnly = in.readFlag("frame_mbs_only_flag");
        if (!frameMbsOnly) {
            in.readFlag("mb_adaptive_frame_field_flag");
        }
        in.readFlag("direct_8x8_inference_flag");
        int width = widthMbs * 16;
        int height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16;
        if (in.readFlag("frame_cropping_flag")) {
            int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            int cropUnitX = chromaArrayType == 0 || chromaArrayType == 3 ? 1 : 2;
            int cropUnitY = (frameMbsOnly ? 1 : 2) * (chromaArrayType == 1 ? 2 : 1);
            long left = in.readUe("frame_crop_left_offset");
            long right = in.readUe("frame_crop_right_offset");
            long top = in.readUe("frame_crop_top_offset");
            long bottom = in.readUe("frame_crop_bottom_offset");
            long croppedWidth = width - cropUnitX * (left + right);
            long croppedHeight = height - cropUnitY * (top + bottom);
            if (croppedWidth <= 0 || croppedHeight <= 0) {
                throw new MalformedMediaException("SPS cropping " + left + "/" + right + "/" + top + "/" + bottom
                        + " leaves no picture of " + width + "x" + height);
            }
            width = (int) croppedWidth;
            height = (int) croppedHeight;
        }
        return new int[] {width, height};
    }

    /** Profiles whose SPS carries chroma_format_idc and the scaling matrices, §7.3.2.1.1. */
    private static boolean hasChromaInfo(int profileIdc) {
        switch (profileIdc) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
                return true;
            default:
                return false;
        }
    }

    private void readChromaAndScaling() {
        chromaFormatIdc = in.readUe("chroma_format_idc", 3);
        if (chromaFormatIdc == 3) {
            separateColourPlane = in.readFlag("separate_colour_plane_flag");
        }
        in.readUe("bit_depth_luma_minus8", 6);
        in.readUe("bit_depth_chroma_minus8", 6);
        in.readFlag("qpprime_y_zero_transform_bypass_flag");
        if (in.readFlag("seq_scaling_matrix_present_flag")) {
            int lists = chromaFormatIdc == 3 ? 12 : 8;
            for (int i = 0; i < lists; i++) {
                if (in.readFlag("seq_scaling_list_present_flag")) {
                    skipScalingList(i < 6 ? 16 : 64);
                }
            }
        }
    }

    /** {@code scaling_list()}, §7.3.2.1.1.1: only the delta_scale codes are in the bitstream. */
    private void skipScalingList(int size) {
        int lastScale = 8;
        int nextScale = 8;
        for (int j = 0; j < size && nextScale != 0; j++) {
            long delta = in.readSe("delta_scale");
            nextScale = (int) ((lastScale + delta + 256) % 256);
            lastScale = nextScale == 0 ? lastScale : nextScale;
        }
    }

    private void readPictureOrderCount() {
        int type = in.readUe("pic_order_cnt_type", 2);
        if (type == 0) {
            in.readUe("log2_max_pic_order_cnt_lsb_minus4", 12);
        } else if (type == 1) {
            in.readFlag("delta_pic_order_always_zero_flag");
            in.readSe("offset_for_non_ref_pic");
            in.readSe("offset_for_top_to_bottom_field");
            int cycle = in.readUe("num_ref_frames_in_pic_order_cnt_cycle", 255);
            for (int i = 0; i < cycle; i++) {
                in.readSe("offset_for_ref_frame");
            }
        }
    }

    /** Reads {@code vui_parameters()} (Annex E.1.1) up to the timing info; returns {numUnitsInTick, timeScale}. */
    private long[] readVuiTiming() {
        if (in.readFlag("aspect_ratio_info_present_flag")) {
            int aspectRatioIdc = in.readBits(8, "aspect_ratio_idc");
            if (aspectRatioIdc == 255) {
                in.skipBits(32, "sar_width/sar_height");
            }
        }
        if (in.readFlag("overscan_info_present_flag")) {
            in.readFlag("overscan_appropriate_flag");
        }
        if (in.readFlag("video_signal_type_present_flag")) {
            in.skipBits(4, "video_format/video_full_range_flag");
            if (in.readFlag("colour_description_present_flag")) {
                in.skipBits(24, "colour_primaries/transfer_characteristics/matrix_coefficients");
            }
        }
        if (in.readFlag("chroma_loc_info_present_flag")) {
            in.readUe("chroma_sample_loc_type_top_field", 5);
            in.readUe("chroma_sample_loc_type_bottom_field", 5);
        }
        if (!in.readFlag("timing_info_present_flag")) {
            return new long[] {0, 0};
        }
        long numUnitsInTick = in.readBitsLong(32, "num_units_in_tick");
        long timeScale = in.readBitsLong(32, "time_scale");
        return new long[] {numUnitsInTick, timeScale};
    }
}
