package io.livechannel.api.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.storage.ByteRange;
import org.junit.jupiter.api.Test;

/** Range forms the SDKs send (wire spec §7.2) and OSS's "serve it all" answer to bad ones. */
class RangeHeaderTest {
    @Test
    void firstLastOpenEndedAndSuffixRanges() {
        assertThat(RangeHeader.resolve("bytes=0-9", 100).range()).isEqualTo(new ByteRange(0, 9));
        assertThat(RangeHeader.resolve("bytes=90-", 100).range()).isEqualTo(new ByteRange(90, 99));
        assertThat(RangeHeader.resolve("bytes=-10", 100).range()).isEqualTo(new ByteRange(90, 99));
        assertThat(RangeHeader.resolve("bytes=-1000", 100).range()).isEqualTo(new ByteRange(0, 99));
        assertThat(RangeHeader.resolve("bytes=50-1000", 100).range()).isEqualTo(new ByteRange(50, 99));
    }

    @Test
    void onlyTheFirstOfSeveralRangesIsServed() {
        assertThat(RangeHeader.resolve("bytes=0-1, 5-6", 100).range()).isEqualTo(new ByteRange(0, 1));
    }

    @Test
    void unsatisfiableOrMalformedRangesAreInvalid() {
        for (String h : new String[] {"bytes=100-", "bytes=5-4", "bytes=-0", "items=0-1", "bytes=a-b", "bytes=5",
                "bytes=" + "9".repeat(300)}) {
            assertThat(RangeHeader.resolve(h, 100).kind()).as(h).isEqualTo(RangeHeader.Kind.INVALID);
        }
        assertThat(RangeHeader.resolve("bytes=0-0", 0).kind()).isEqualTo(RangeHeader.Kind.INVALID);
        assertThat(RangeHeader.resolve(null, 100).kind()).isEqualTo(RangeHeader.Kind.ABSENT);
    }
}
