package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpDateCacheTest {
    @Test
    void formatsEverySecondAsTheFormatterDoesWhateverTheOrder() {
        HttpDateCache dates = new HttpDateCache();
        Instant t = Instant.parse("2015-12-05T11:10:29.250Z");

        assertThat(dates.format(t)).isEqualTo("Sat, 05 Dec 2015 11:10:29 GMT");
        assertThat(dates.format(t.plusMillis(700))).isEqualTo("Sat, 05 Dec 2015 11:10:29 GMT");
        assertThat(dates.format(t.plusMillis(750))).isEqualTo("Sat, 05 Dec 2015 11:10:30 GMT");
        assertThat(dates.format(t)).isEqualTo("Sat, 05 Dec 2015 11:10:29 GMT");
        assertThat(dates.format(Instant.parse("2026-01-01T00:00:00Z"))).isEqualTo("Thu, 01 Jan 2026 00:00:00 GMT");
    }
}
