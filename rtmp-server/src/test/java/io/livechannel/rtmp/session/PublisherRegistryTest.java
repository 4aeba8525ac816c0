package io.livechannel.rtmp.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.EndReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PublisherRegistryTest {
    /** A publisher whose kick ends it at once, recording why. */
    static final class FakePublisher implements PublisherRegistry.Publisher {
        final List<EndReason> kicks = new ArrayList<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        long lastActivityMillis;

        FakePublisher(long lastActivityMillis) {
            this.lastActivityMillis = lastActivityMillis;
        }

        @Override
        public long lastActivityMillis() {
            return lastActivityMillis;
        }

        @Override
        public void kick(EndReason reason) {
            kicks.add(reason);
        }

        @Override
        public CompletableFuture<Void> ended() {
            return ended;
        }

        @Override
        public PublishStats stats() {
            return new PublishStats(Instant.EPOCH, "192.0.2.1:1935", null, null);
        }

        @Override
        public String logId() {
            return "fake";
        }
    }

    private final PublisherRegistry registry = new PublisherRegistry();

    @Test
    void secondPublisherToSameChannelIsBusyWhileTheFirstIsActive() {
        FakePublisher first = new FakePublisher(10_000);
        assertThat(registry.claim("b", "ch", first, 10_000, 5_000)).isInstanceOf(PublisherRegistry.Claim.Granted.class);
        assertThat(registry.claim("b", "ch", new FakePublisher(14_999), 14_999, 5_000))
                .isEqualTo(new PublisherRegistry.Claim.Busy("channel already has a live publisher"));
        assertThat(registry.claim("b", "other", new FakePublisher(0), 0, 5_000))
                .isInstanceOf(PublisherRegistry.Claim.Granted.class);
        assertThat(registry.claim("b2", "ch", new FakePublisher(0), 0, 5_000))
                .isInstanceOf(PublisherRegistry.Claim.Granted.class);
        assertThat(first.kicks).isEmpty();
        assertThat(registry.isLive("b", "ch")).isTrue();
        assertThat(registry.stats("b", "ch")).map(PublishStats::remoteAddress).contains("192.0.2.1:1935");
    }

    @Test
    void publisherSilentForTheIdleTimeoutIsReplacedAndTheNewStartWaitsForItsEnd() {
        FakePublisher stale = new FakePublisher(10_000);
        registry.claim("b", "ch", stale, 10_000, 5_000);
        FakePublisher fresh = new FakePublisher(15_000);
        var claim = (PublisherRegistry.Claim.Granted) registry.claim("b", "ch", fresh, 15_000, 5_000);
        assertThat(stale.kicks).containsExactly(EndReason.REPLACED_IDLE);
        assertThat(claim.previousEnded()).isNotDone();
        stale.ended.complete(null);
        assertThat(claim.previousEnded()).isDone();
        // the stale one's late release must not free the channel the fresh one holds
        registry.release("b", "ch", stale);
        assertThat(registry.isLive("b", "ch")).isTrue();
        registry.release("b", "ch", fresh);
        assertThat(registry.isLive("b", "ch")).isFalse();
    }

    @Test
    void kickDisconnectsTheLivePublisherAndReportsWhenItEnded() {
        FakePublisher live = new FakePublisher(0);
        registry.claim("b", "ch", live, 0, 5_000);
        CompletableFuture<Boolean> kicked = registry.kick("b", "ch");
        assertThat(live.kicks).containsExactly(EndReason.KICKED);
        assertThat(kicked).isNotDone();
        live.ended.complete(null);
        assertThat(kicked).isCompletedWithValue(true);
        assertThat(registry.kick("b", "idle")).isCompletedWithValue(false);
    }

    @Test
    void closeAllEndsEveryPublisherAndRefusesNewOnes() {
        FakePublisher a = new FakePublisher(0);
        FakePublisher b = new FakePublisher(0);
        registry.claim("b", "a", a, 0, 5_000);
        registry.claim("b", "b", b, 0, 5_000);
        CompletableFuture<Void> all = registry.closeAll();
        assertThat(a.kicks).containsExactly(EndReason.SERVER_SHUTDOWN);
        assertThat(b.kicks).containsExactly(EndReason.SERVER_SHUTDOWN);
        a.ended.complete(null);
        assertThat(all).isNotDone();
        b.ended.complete(null);
        assertThat(all).isDone();
        assertThat(registry.claim("b", "c", new FakePublisher(0), 0, 5_000))
                .isEqualTo(new PublisherRegistry.Claim.Busy("server is shutting down"));
    }
}
