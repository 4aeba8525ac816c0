package io.livechannel.api.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.CorsRule;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rule matching of OSS CORS: origin wildcard, method, requested headers. */
class CorsRulesTest {
    static final Bucket BUCKET = new Bucket("b", BucketAcl.PUBLIC_READ, Instant.EPOCH, List.of(
            new CorsRule(List.of("https://*.example.com"), List.of("GET", "HEAD"), List.of("range", "x-oss-*"),
                    List.of("ETag"), 600)));

    @Test
    void originWildcardMethodAndHeadersMustAllMatch() {
        assertThat(CorsRules.match(BUCKET, "https://player.example.com", "GET", List.of("Range"))).isPresent();
        assertThat(CorsRules.match(BUCKET, "https://player.example.com", "GET", List.of("x-oss-date"))).isPresent();
        assertThat(CorsRules.match(BUCKET, "http://player.example.com", "GET", List.of())).isEmpty();
        assertThat(CorsRules.match(BUCKET, "https://player.example.com", "PUT", List.of())).isEmpty();
        assertThat(CorsRules.match(BUCKET, "https://player.example.com", "GET", List.of("authorization"))).isEmpty();
    }

    @Test
    void wildcardNeedsRoomForHeadAndTail() {
        assertThat(CorsRules.wildcard("https://*.example.com", "https://.example.com", false)).isTrue();
        assertThat(CorsRules.wildcard("https://*.example.com", "https:/example.com", false)).isFalse();
        assertThat(CorsRules.wildcard("*", "anything", false)).isTrue();
    }
}
