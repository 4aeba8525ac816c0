package io.livechannel.storage.catalog;

import io.livechannel.storage.catalog.PublishLeases.Granted;
import io.livechannel.storage.catalog.PublishLeases.Held;
import io.livechannel.storage.catalog.PublishLeases.LeaseRecord;
import io.livechannel.storage.catalog.PublishLeases.LossReason;
import io.livechannel.storage.catalog.PublishLeases.LostLease;
import io.livechannel.storage.catalog.PublishLeases.Previous;
import io.livechannel.storage.catalog.PublishLeases.Renewal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lease rules every catalog backend keeps. Two nodes are two node ids on stores over one database
 * ({@link #openOtherNodeStore}); expiry is made deterministic with a zero TTL (expired as soon as written) or a
 * long one, and the idle rule with a zero or a long idle timeout.
 */
public abstract class PublishLeasesContractTest {
    private static final Duration LONG = Duration.ofMinutes(10);
    private static final Duration NONE = Duration.ZERO;

    private MetadataStore store;
    private MetadataStore other;

    /** Opens a fresh, empty store. */
    protected abstract MetadataStore openStore() throws Exception;

    /** A second store on the database {@link #openStore} opened (another node's), or the same one. */
    protected abstract MetadataStore openOtherNodeStore(MetadataStore first) throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
        other = openOtherNodeStore(store);
    }

    @AfterEach
    void close() {
        if (other != store) {
            other.close();
        }
        store.close();
    }

    protected final MetadataStore store() {
        return store;
    }

    private PublishLeases a() {
        return store.leases();
    }

    private PublishLeases b() {
        return other.leases();
    }

    @Test
    void theFirstNodeGetsEpochOneAndAnotherNodeIsRefusedWhileItHoldsTheLease() {
        assertThat(a().acquire("b1", "cam1", "node-a", 0, LONG, LONG)).isEqualTo(new Granted(1, null));

        assertThat(b().acquire("b1", "cam1", "node-b", 0, LONG, LONG)).isEqualTo(new Held("node-a"));
        assertThat(b().acquire("b1", "cam2", "node-b", 0, LONG, LONG)).isEqualTo(new Granted(1, null));
    }

    @Test
    void theHolderAcquiresAgainAtItsEpochButAPreviousRunOfItIsAnotherOwner() {
        a().acquire("b1", "cam1", "node-a", 0, LONG, LONG);

        assertThat(a().acquire("b1", "cam1", "node-a", 1, LONG, LONG)).isEqualTo(new Granted(1, null));
        assertThat(a().acquire("b1", "cam1", "node-a", 0, LONG, LONG)).isEqualTo(new Held("node-a"));
    }

    @Test
    void anExpiredLeaseIsTakenOverAtTheNextEpochNamingItsDeadOwner() {
        a().acquire("b1", "cam1", "node-a", 0, NONE, LONG);

        assertThat(b().acquire("b1", "cam1", "node-b", 0, LONG, LONG))
                .isEqualTo(new Granted(2, new Previous("node-a", 1, true)));
        assertThat(a().acquire("b1", "cam1", "node-a", 1, LONG, LONG)).isEqualTo(new Held("node-b"));
    }

    @Test
    void aLiveLeaseWhosePublisherWasSilentForTheIdleTimeoutIsTakenOver() {
        a().acquire("b1", "cam1", "node-a", 0, LONG, LONG);

        assertThat(b().acquire("b1", "cam1", "node-b", 0, LONG, NONE))
                .isEqualTo(new Granted(2, new Previous("node-a", 1, false)));
    }

    @Test
    void releaseKeepsTheEpochForTheLastWritesAndTheNextHolderGetsTheNextOne() {
        a().acquire("b1", "cam1", "node-a", 0, LONG, LONG);

        assertThat(a().release("b1", "cam1", "node-a", 2)).as("a stale epoch releases nothing").isFalse();
        assertThat(a().release("b1", "cam1", "node-a", 1)).isTrue();
        a().verify("b1", "cam1", 1);
        assertThat(a().find("b1", "cam1")).get().extracting(LeaseRecord::owner, LeaseRecord::live)
                .containsExactly(null, false);

        assertThat(b().acquire("b1", "cam1", "node-b", 0, LONG, LONG)).isEqualTo(new Granted(2, null));
        assertThatThrownBy(() -> a().verify("b1", "cam1", 1)).isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("epoch 2, not 1");
        assertThatThrownBy(() -> a().verify("b1", "never", 1)).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void aHeartbeatRenewsWhatTheNodeHoldsAndPublishesItsStatisticsToTheOthers() {
        store.channels().put(channel("cam1", ChannelStatus.ENABLED));
        a().acquire("b1", "cam1", "node-a", 0, NONE, LONG);

        assertThat(a().heartbeat("node-a", LONG, List.of(new Renewal("b1", "cam1", 1, 1500, "{\"w\":1280}"))))
                .isEmpty();

        LeaseRecord seen = b().find("b1", "cam1").orElseThrow();
        assertThat(seen.owner()).isEqualTo("node-a");
        assertThat(seen.live()).as("renewed past its zero TTL").isTrue();
        assertThat(seen.stats()).isEqualTo("{\"w\":1280}");
        assertThat(seen.idleMillis()).isBetween(1500L, 60_000L);
        assertThat(b().acquire("b1", "cam1", "node-b", 0, LONG, LONG)).isEqualTo(new Held("node-a"));
    }

    @Test
    void aHeartbeatNamesTheLeasesTakenOverAndThoseOfDisabledOrDeletedChannels() {
        store.channels().put(channel("lost", ChannelStatus.ENABLED));
        store.channels().put(channel("off", ChannelStatus.ENABLED));
        store.channels().put(channel("ok", ChannelStatus.ENABLED));
        for (String ch : List.of("lost", "off", "gone", "ok")) {
            a().acquire("b1", ch, "node-a", 0, LONG, LONG);
        }
        b().acquire("b1", "lost", "node-b", 0, LONG, NONE);
        other.channels().put(channel("off", ChannelStatus.DISABLED));

        List<LostLease> lost = a().heartbeat("node-a", LONG, List.of(
                new Renewal("b1", "lost", 1, 0, null), new Renewal("b1", "off", 1, 0, null),
                new Renewal("b1", "gone", 1, 0, null), new Renewal("b1", "ok", 1, 0, null)));

        assertThat(lost).containsExactlyInAnyOrder(
                new LostLease("b1", "lost", 1, LossReason.TAKEN_OVER),
                new LostLease("b1", "off", 1, LossReason.CHANNEL_DISABLED),
                new LostLease("b1", "gone", 1, LossReason.CHANNEL_DELETED));
        assertThat(b().find("b1", "lost")).get().extracting(LeaseRecord::owner).isEqualTo("node-b");
    }

    @Test
    void expiredListsHeldLeasesPastTheirExpiryAndAStartingNodeExpiresItsPreviousRunsLeases() {
        a().acquire("b1", "dead", "node-a", 0, NONE, LONG);
        a().acquire("b1", "released", "node-a", 0, NONE, LONG);
        a().release("b1", "released", "node-a", 1);
        a().acquire("b1", "alive", "node-a", 0, LONG, LONG);
        b().acquire("b1", "other", "node-b", 0, LONG, LONG);

        assertThat(a().expired(10)).extracting(LeaseRecord::channel).containsExactly("dead");

        assertThat(a().expireAllOf("node-a")).isEqualTo(2);
        assertThat(a().expired(10)).extracting(LeaseRecord::channel).containsExactlyInAnyOrder("dead", "alive");
        assertThat(a().expired(1)).hasSize(1);

        assertThat(a().releaseAll()).isEqualTo(3);
        assertThat(b().acquire("b1", "other", "node-c", 0, LONG, LONG)).isEqualTo(new Granted(2, null));
    }

    private static Channel channel(String name, ChannelStatus status) {
        return new Channel("b1", name, "", status, 5, 3, "playlist.m3u8", null, Instant.EPOCH);
    }
}
