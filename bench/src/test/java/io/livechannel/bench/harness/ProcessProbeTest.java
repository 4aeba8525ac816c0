package io.livechannel.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.bench.harness.ProcessProbe.ThreadTimes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessProbeTest {
    @Test
    void groupDeltaCountsEachLiveThreadSinceTheFirstReadingOrSinceItStarted() {
        Map<Long, ThreadTimes> before = Map.of(
                1L, new ThreadTimes("loop-#", 10.0, 5.0),
                2L, new ThreadTimes("loop-#", 20.0, 1.0),
                3L, new ThreadTimes("direct-#", 7.0, 30.0), // ends before the second reading
                4L, new ThreadTimes("direct-#", 1.0, 2.0));
        Map<Long, ThreadTimes> after = Map.of(
                1L, new ThreadTimes("loop-#", 12.0, 6.0),
                2L, new ThreadTimes("loop-#", 21.0, 1.5),
                4L, new ThreadTimes("direct-#", 1.5, 4.0),
                5L, new ThreadTimes("direct-#", 0.25, 3.0)); // started in between

        List<Map.Entry<String, double[]>> groups = ProcessProbe.groupDelta(before, after);

        assertThat(groups).extracting(Map.Entry::getKey).containsExactly("direct-#", "loop-#"); // largest first
        // not 0.75 + 5.0 less the ended thread's 37 s, which summing each group at each reading gave
        assertThat(groups.get(0).getValue()).containsExactly(0.75, 5.0);
        assertThat(groups.get(1).getValue()).containsExactly(3.0, 1.5);
    }

    @Test
    void aThreadIdReusedByAnotherThreadCountsFromZero() {
        Map<Long, ThreadTimes> before = Map.of(9L, new ThreadTimes("catalog-#", 4.0, 4.0));
        Map<Long, ThreadTimes> after = Map.of(9L, new ThreadTimes("unlinker", 0.5, 0.5));

        assertThat(ProcessProbe.groupDelta(before, after)).singleElement()
                .satisfies(e -> assertThat(e.getKey()).isEqualTo("unlinker"))
                .satisfies(e -> assertThat(e.getValue()).containsExactly(0.5, 0.5));
    }
}
