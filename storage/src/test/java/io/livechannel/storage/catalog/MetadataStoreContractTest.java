package io.livechannel.storage.catalog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link MetadataStore} backend shares. Subclasses open a fresh, empty store per test
 * ({@code SqliteMetadataStoreTest}; a PostgreSQL subclass can follow).
 */
public abstract class MetadataStoreContractTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private MetadataStore store;

    /** Opens a fresh, empty store. */
    protected abstract MetadataStore openStore() throws Exception;

    /** Closes and reopens the same database, as a server restart does. */
    protected abstract MetadataStore reopenStore() throws Exception;

    protected final MetadataStore store() {
        return store;
    }

    @BeforeEach
    void open() throws Exception {
        store = openStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void bucketIsCreatedOnceWithItsAclAndCorsRules() {
        CorsRule rule = new CorsRule(List.of("https://a.example", "*"), List.of("GET", "HEAD"), List.of("Range"),
                List.of("ETag", "x-oss-request-id"), 600);
        Bucket bucket = new Bucket("media", BucketAcl.PUBLIC_READ, T0, List.of(rule));

        assertThat(store.buckets().create(bucket)).isTrue();
        assertThat(store.buckets().create(new Bucket("media", BucketAcl.PRIVATE, T0, List.of()))).isFalse();

        assertThat(store.buckets().find("media")).contains(bucket);
        assertThat(store.buckets().find("other")).isEmpty();
    }

    @Test
    void bucketAclAndCorsRulesChange() {
        store.buckets().create(new Bucket("media", BucketAcl.PRIVATE, T0, List.of()));
        CorsRule rule = new CorsRule(List.of("*"), List.of("GET"), List.of(), List.of(), 0);

        assertThat(store.buckets().setAcl("media", BucketAcl.PUBLIC_READ_WRITE)).isTrue();
        assertThat(store.buckets().setCorsRules("media", List.of(rule, rule))).isTrue();
        assertThat(store.buckets().find("media").orElseThrow().acl()).isEqualTo(BucketAcl.PUBLIC_READ_WRITE);
        assertThat(store.buckets().find("media").orElseThrow().corsRules()).containsExactly(rule, rule);

        assertThat(store.buckets().setCorsRules("media", List.of())).isTrue();
        assertThat(store.buckets().find("media").orElseThrow().corsRules()).isEmpty();
        assertThat(store.buckets().setAcl("nope", BucketAcl.PRIVATE)).isFalse();
        assertThat(store.buckets().setCorsRules("nope", List.of(rule))).isFalse();
    }

    @Test
    void bucketsAreListedInNameOrderAndDeleted() {
        for (String name : List.of("zeta", "alpha", "mid-1")) {
            store.buckets().create(new Bucket(name, BucketAcl.PRIVATE, T0,
                    List.of(new CorsRule(List.of("*"), List.of("GET"), null, null, 1))));
        }

        assertThat(store.buckets().list()).extracting(Bucket::name).containsExactly("alpha", "mid-1", "zeta");
        assertThat(store.buckets().delete("mid-1")).isTrue();
        assertThat(store.buckets().delete("mid-1")).isFalse();
        assertThat(store.buckets().list()).extracting(Bucket::name).containsExactly("alpha", "zeta");
        store.buckets().create(new Bucket("mid-1", BucketAcl.PRIVATE, T0, List.of()));
        assertThat(store.buckets().find("mid-1").orElseThrow().corsRules()).isEmpty();
    }

    @Test
    void accessKeySecretIsReplacedByPut() {
        store.accessKeys().put(new AccessKey("LTAIexample", "secret-1"));
        store.accessKeys().put(new AccessKey("LTAIexample", "secret-2"));

        assertThat(store.accessKeys().find("LTAIexample")).contains(new AccessKey("LTAIexample", "secret-2"));
        assertThat(store.accessKeys().find("other")).isEmpty();
    }

    @Test
    void channelIsStoredWholeAndReplacedByPut() {
        Channel first = channel("b1", "cam1", ChannelStatus.ENABLED, new Snapshot("role", "snaps", "topic", 5));
        store.channels().put(first);
        Channel second = new Channel("b1", "cam1", "new description", ChannelStatus.DISABLED, 2, 10, "index.m3u8",
                null, T0.plusSeconds(60));
        store.channels().put(second);

        assertThat(store.channels().find("b1", "cam1")).contains(second);
        assertThat(store.channels().find("b2", "cam1")).isEmpty();
        store.channels().put(first);
        assertThat(store.channels().find("b1", "cam1")).contains(first);
        assertThat(store.channels().find("b1", "cam1").orElseThrow().withStatus(ChannelStatus.DISABLED, T0))
                .isNotEqualTo(first);
    }

    @Test
    void channelsAreListedByPrefixAndMarkerInByteOrder() {
        for (String name : List.of("cam2", "cam10", "Cam9", "cam1", "camera-\u00e9", "camera-z", "other")) {
            store.channels().put(channel("b1", name, ChannelStatus.ENABLED, null));
        }
        store.channels().put(channel("b2", "cam3", ChannelStatus.ENABLED, null));

        ChannelPage page1 = store.channels().list("b1", "cam", "", 3);
        ChannelPage page2 = store.channels().list("b1", "cam", page1.nextMarker(), 3);
        ChannelPage all = store.channels().list("b1", "", "", 1000);

        assertThat(names(page1)).containsExactly("cam1", "cam10", "cam2");
        assertThat(page1.truncated()).isTrue();
        assertThat(page1.nextMarker()).isEqualTo("cam2");
        assertThat(names(page2)).containsExactly("camera-z", "camera-\u00e9");
        assertThat(page2.truncated()).isFalse();
        assertThat(page2.nextMarker()).isNull();
        assertThat(names(all)).containsExactly("Cam9", "cam1", "cam10", "cam2", "camera-z", "camera-\u00e9", "other");
        assertThat(names(store.channels().list("b1", "camera-\u00e9", "", 10))).containsExactly("camera-\u00e9");
        assertThat(names(store.channels().list("b1", "%", "", 10))).isEmpty();
    }

    @Test
    void listingRefusesMaxKeysOutside1To1000() {
        assertThatThrownBy(() -> store.channels().list("b1", "", "", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.channels().list("b1", "", "", 1001))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deletingAChannelKeepsItsPlaylistCounters() {
        store.channels().put(channel("b1", "cam1", ChannelStatus.ENABLED, null));
        assertThat(store.channels().counters("b1", "cam1")).isEqualTo(PlaylistCounters.INITIAL);
        store.channels().saveCounters("b1", "cam1", new PlaylistCounters(42, 3));
        store.channels().saveCounters("b1", "cam1", new PlaylistCounters(43, 3));

        assertThat(store.channels().delete("b1", "cam1")).isTrue();
        assertThat(store.channels().delete("b1", "cam1")).isFalse();

        assertThat(store.channels().find("b1", "cam1")).isEmpty();
        assertThat(store.channels().counters("b1", "cam1")).isEqualTo(new PlaylistCounters(43, 3));
    }

    @Test
    void everythingSurvivesARestart() throws Exception {
        store.buckets().create(new Bucket("b1", BucketAcl.PUBLIC_READ, T0, List.of()));
        store.channels().put(channel("b1", "cam1", ChannelStatus.ENABLED, null));
        store.channels().saveCounters("b1", "cam1", new PlaylistCounters(7, 1));
        long id = store.history().recordStart("b1", "cam1", T0, "203.0.113.5:51234");
        store.segments().add(segment("cam1", 1000, 0));
        store.close();

        store = reopenStore();

        assertThat(store.buckets().find("b1")).isPresent();
        assertThat(store.channels().find("b1", "cam1")).isPresent();
        assertThat(store.channels().counters("b1", "cam1")).isEqualTo(new PlaylistCounters(7, 1));
        assertThat(store.history().recent("b1", "cam1", 10)).extracting(PushRecord::id).containsExactly(id);
        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).hasSize(1);
    }

    @Test
    void historyKeepsTheTenNewestSessionsNewestFirst() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(store.history().recordStart("b1", "cam1", T0.plusSeconds(i * 100L), "10.0.0." + i + ":1935"));
        }
        store.history().recordEnd(ids.get(11), T0.plusSeconds(1150));
        store.history().recordStart("b1", "cam2", T0, "10.1.0.1:1935");

        List<PushRecord> recent = store.history().recent("b1", "cam1", 10);

        assertThat(recent).hasSize(10);
        assertThat(recent.get(0)).isEqualTo(new PushRecord(ids.get(11), "b1", "cam1", T0.plusSeconds(1100),
                T0.plusSeconds(1150), "10.0.0.11:1935"));
        assertThat(recent.get(1).end()).isNull();
        assertThat(recent).extracting(PushRecord::remoteAddress).endsWith("10.0.0.2:1935");
        assertThat(store.history().recent("b1", "cam1", 3)).extracting(PushRecord::id)
                .containsExactly(ids.get(11), ids.get(10), ids.get(9));
        assertThat(store.history().recent("b1", "cam2", 10)).hasSize(1);
        assertThat(store.history().recent("b1", "none", 10)).isEmpty();
    }

    @Test
    void segmentRangeIsInclusiveOrderedByStartTimeAndPerChannel() {
        for (int i = 9; i >= 0; i--) { // added out of order
            store.segments().add(segment("cam1", 1_000_000L + i * 2000, i));
        }
        store.segments().add(segment("cam2", 1_004_000L, 0));

        List<SegmentRecord> range = store.segments().range("b1", "cam1", 1_004_000L, 1_010_000L);

        assertThat(range).extracting(SegmentRecord::startTimeMillis)
                .containsExactly(1_004_000L, 1_006_000L, 1_008_000L, 1_010_000L);
        assertThat(range.get(0)).isEqualTo(segment("cam1", 1_004_000L, 2));
        assertThat(store.segments().range("b1", "cam1", 0, 999_999)).isEmpty();
        assertThat(store.segments().range("b2", "cam1", 0, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void segmentsWithOtherThanTheStandardKeyFormKeepTheirKeys() {
        SegmentRecord standard = segment("cam1", 1000, 0);
        SegmentRecord custom = new SegmentRecord("b1", "cam1", "cam1/custom-name.ts", 2000, 1_000_000, 1, false, 5);
        SegmentRecord otherChannelsForm = new SegmentRecord("b1", "cam1", "cam2/3000.ts", 3000, 1_000_000, 2, false, 5);
        store.segments().add(standard);
        store.segments().add(custom);
        store.segments().add(otherChannelsForm);

        assertThat(store.segments().range("b1", "cam1", 0, 10_000)).containsExactly(standard, custom, otherChannelsForm);
    }

    @Test
    void segmentsStartingTogetherAreOrderedBySequenceAndKeepEveryFieldAtItsLimits() {
        String longKey = "cam1/" + "\u00e9".repeat(509) + ".ts"; // 1,023 UTF-8 bytes, OSS's longest key
        SegmentRecord later = new SegmentRecord("b1", "cam1", longKey, 7000, Long.MAX_VALUE, Long.MAX_VALUE, true,
                Long.MAX_VALUE);
        SegmentRecord earlier = new SegmentRecord("b1", "cam1", "cam1/7000.ts", 7000, 0, 41, false, 0);
        SegmentRecord beforeEpoch = new SegmentRecord("b1", "cam1", "cam1/-5.ts", -5, 1, 0, true, 1);
        SegmentRecord first = new SegmentRecord("b1", "cam1", "first.ts", Long.MIN_VALUE, 1, 0, false, 1);
        SegmentRecord last = new SegmentRecord("b1", "cam1", "last.ts", Long.MAX_VALUE, 1, 0, false, 1);
        for (SegmentRecord r : List.of(last, later, earlier, beforeEpoch, first)) {
            store.segments().add(r);
        }

        assertThat(store.segments().range("b1", "cam1", Long.MIN_VALUE, Long.MAX_VALUE))
                .containsExactly(first, beforeEpoch, earlier, later, last);
        assertThat(store.segments().range("b1", "cam1", 7000, 7000)).containsExactly(earlier, later);
        assertThat(store.segments().range("b1", "cam1", -5, -5)).containsExactly(beforeEpoch);
        assertThat(store.segments().range("b1", "cam1", 7001, 6999)).isEmpty();
    }

    @Test
    void aSegmentIndexedAgainUnderAnotherTimeOrChannelLeavesNoCopyBehind() {
        SegmentRecord neighbour = segment("cam1", 6000, 1);
        store.segments().add(segment("cam1", 5000, 0));
        store.segments().add(neighbour);
        SegmentRecord moved = new SegmentRecord("b1", "cam1", "cam1/5000.ts", 3_605_000, 2_000_000, 9, false, 1);

        store.segments().add(moved);

        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).containsExactly(neighbour, moved);
        SegmentRecord otherChannel = new SegmentRecord("b1", "cam2", "cam1/5000.ts", 5000, 2_000_000, 0, true, 1);
        store.segments().add(otherChannel);
        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).containsExactly(neighbour);
        assertThat(store.segments().range("b1", "cam2", 0, Long.MAX_VALUE)).containsExactly(otherChannel);
        assertThat(store.segments().remove("b1", neighbour.objectKey())).isTrue();
        assertThat(store.segments().range("b1", "cam1", Long.MIN_VALUE, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void segmentAddedTwiceIsReplacedAndRemoveForgetsIt() {
        store.segments().add(segment("cam1", 5000, 1));
        SegmentRecord replaced = new SegmentRecord("b1", "cam1", "cam1/5000.ts", 5000, 1_500_000, 1, true, 99);
        store.segments().add(replaced);

        assertThat(store.segments().range("b1", "cam1", 0, 10_000)).containsExactly(replaced);
        assertThat(store.segments().remove("b1", "cam1/5000.ts")).isTrue();
        assertThat(store.segments().remove("b1", "cam1/5000.ts")).isFalse();
        assertThat(store.segments().range("b1", "cam1", 0, 10_000)).isEmpty();
    }

    private static Channel channel(String bucket, String name, ChannelStatus status, Snapshot snapshot) {
        return new Channel(bucket, name, "desc of " + name, status, 5, 3, "playlist.m3u8", snapshot, T0);
    }

    private static SegmentRecord segment(String channel, long startMillis, long sequence) {
        return new SegmentRecord("b1", channel, channel + "/" + startMillis + ".ts", startMillis, 2_000_000, sequence,
                sequence == 0, 188 * 1000);
    }

    private static List<String> names(ChannelPage page) {
        return page.channels().stream().map(Channel::name).toList();
    }
}
