package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogException;
import io.livechannel.storage.catalog.SegmentRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The packed layout byte by byte, and how a concatenation of values is read back. */
class PackedSegmentTest {
    private static final SegmentRecord STANDARD =
            new SegmentRecord("b1", "cam1", "cam1/1543895706000.ts", 1_543_895_706_000L, 2_000_000, 7, true, 188);
    private static final SegmentRecord CUSTOM =
            new SegmentRecord("b1", "cam1", "cam1/a\u00e9.ts", 1_543_895_708_000L, 1_000_000, 8, false, 376);

    @Test
    void standardKeysAreLeftOutAndOtherKeysFollowWithTheirLength() {
        assertThat(HexFormat.of().formatHex(PackedSegment.encode(STANDARD))).isEqualTo(""
                + "00000167775ae990" // start_millis 1543895706000
                + "00000000001e8480" // duration_micros 2000000
                + "0000000000000007" // sequence 7
                + "00000000000000bc" // size_bytes 188
                + "01");             // flags: discontinuity
        assertThat(HexFormat.of().formatHex(PackedSegment.encode(CUSTOM))).isEqualTo(""
                + "00000167775af160" // start_millis 1543895708000
                + "00000000000f4240" // duration_micros 1000000
                + "0000000000000008" // sequence 8
                + "0000000000000178" // size_bytes 376
                + "02"               // flags: explicit key
                + "000b"             // key length 11
                + "63616d312f61c3a92e7473"); // "cam1/aé.ts"
    }

    @Test
    void concatenatedValuesDecodeInOrder() {
        assertThat(PackedSegment.decode(List.of(concat(STANDARD, CUSTOM)), "b1", "cam1", Long.MIN_VALUE,
                Long.MAX_VALUE)).containsExactly(STANDARD, CUSTOM);
        assertThat(PackedSegment.decode(List.of(concat(STANDARD), concat(CUSTOM)), "b1", "cam1", Long.MIN_VALUE,
                Long.MAX_VALUE)).containsExactly(STANDARD, CUSTOM);
        assertThat(PackedSegment.decode(List.of(), "b1", "cam1", Long.MIN_VALUE, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void onlyValuesStartingInTheRangeAreKept() {
        List<byte[]> both = List.of(concat(STANDARD, CUSTOM));
        long first = STANDARD.startTimeMillis();
        long second = CUSTOM.startTimeMillis();

        assertThat(PackedSegment.decode(both, "b1", "cam1", first + 1, second)).containsExactly(CUSTOM);
        assertThat(PackedSegment.decode(both, "b1", "cam1", first, second - 1)).containsExactly(STANDARD);
        assertThat(PackedSegment.decode(both, "b1", "cam1", first + 1, second - 1)).isEmpty();
    }

    @Test
    void valuesArrivingOutOfOrderAreSortedByStartThenSequence() {
        SegmentRecord sameStartLowerSequence = new SegmentRecord("b1", "cam1", "cam1/1543895708000.ts",
                1_543_895_708_000L, 1_000_000, 3, false, 1);

        assertThat(PackedSegment.decode(List.of(concat(CUSTOM, STANDARD, sameStartLowerSequence)), "b1", "cam1",
                Long.MIN_VALUE, Long.MAX_VALUE))
                .containsExactly(STANDARD, sameStartLowerSequence, CUSTOM);
    }

    @Test
    void aTruncatedValueIsReportedNotMisread() {
        byte[] packed = concat(STANDARD, CUSTOM);

        assertThatThrownBy(() -> PackedSegment.decode(List.of(Arrays.copyOf(packed, packed.length - 1)), "b1", "cam1",
                Long.MIN_VALUE, Long.MAX_VALUE))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("corrupt packed segment index entry for channel cam1");
    }

    @Test
    void aKeyTooLongForTheLengthFieldIsRefused() {
        SegmentRecord huge = new SegmentRecord("b1", "cam1", "k".repeat(0x10000), 0, 0, 0, false, 0);

        assertThatThrownBy(() -> PackedSegment.encode(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536 bytes");
    }

    private static byte[] concat(SegmentRecord... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SegmentRecord r : records) {
            out.writeBytes(PackedSegment.encode(r));
        }
        return out.toByteArray();
    }
}
