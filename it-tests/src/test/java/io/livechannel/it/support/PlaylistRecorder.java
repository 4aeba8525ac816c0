package io.livechannel.it.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Reads a live playlist every {@value Polling#INTERVAL_MILLIS} ms in the background, as a player does, and keeps
 * every distinct version it saw, so that a test can check each update (window size, growing media sequence,
 * every segment listed at some point) while it does other things. It also keeps a timeline of every read (when,
 * how long, what it saw) for failure messages: a version can only be missed while reads are slow or failing.
 * Close it to stop the polling thread.
 */
public final class PlaylistRecorder implements AutoCloseable {
    private static final int WARM_READS = 3;
    private static final long WARM_READ_MILLIS = 300;

    private final Callable<Optional<MediaPlaylist>> fetch;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "playlist-recorder");
        t.setDaemon(true);
        return t;
    });
    private final List<MediaPlaylist> versions = new ArrayList<>();
    /** When each of {@link #versions} was first read (the start of that read). */
    private final List<Instant> firstSeen = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final List<Read> reads = new ArrayList<>();

    /** One read: when it started, how long it took, and the newest segment it saw (or what went wrong). */
    public record Read(Instant startedAt, Duration took, String outcome) {
        @Override
        public String toString() {
            return startedAt + " +" + took.toMillis() + "ms " + outcome;
        }
    }

    private PlaylistRecorder(Callable<Optional<MediaPlaylist>> fetch) {
        this.fetch = fetch;
    }

    /** Starts polling {@code fetch} (empty = not there yet). */
    public static PlaylistRecorder start(Callable<Optional<MediaPlaylist>> fetch) {
        PlaylistRecorder recorder = new PlaylistRecorder(fetch);
        recorder.poller.scheduleWithFixedDelay(recorder::poll, 0, Polling.INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        return recorder;
    }

    /**
     * Like {@link #start}, but returns only once reads are quick ({@value #WARM_READS} in a row under
     * {@value #WARM_READ_MILLIS} ms), so that the first versions are not missed while the server's read path (the
     * S3 client on first use) warms up; the playlist must not exist yet.
     */
    public static PlaylistRecorder startWarm(Callable<Optional<MediaPlaylist>> fetch) {
        PlaylistRecorder recorder = start(fetch);
        Polling.await(WARM_READS + " quick reads of the playlist", Duration.ofSeconds(30), recorder::reads,
                reads -> reads.size() >= WARM_READS && reads.subList(reads.size() - WARM_READS, reads.size())
                        .stream().allMatch(r -> r.took().toMillis() < WARM_READ_MILLIS));
        return recorder;
    }

    private void poll() {
        Instant started = Instant.now();
        long startNanos = System.nanoTime();
        try {
            Optional<MediaPlaylist> current = fetch.call();
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            synchronized (this) {
                reads.add(new Read(started, took, current.map(PlaylistRecorder::describe).orElse("absent")));
                if (current.isPresent() && (versions.isEmpty()
                        || !versions.get(versions.size() - 1).text().equals(current.get().text()))) {
                    versions.add(current.get());
                    firstSeen.add(started);
                }
            }
        } catch (Exception | AssertionError e) {
            // Also an AssertionError (an unexpected HTTP status): a scheduled task that throws is never run again.
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            synchronized (this) {
                reads.add(new Read(started, took, "failed: " + e));
                errors.add(e);
            }
        }
    }

    private static String describe(MediaPlaylist playlist) {
        return playlist.segments().isEmpty() ? "empty"
                : "newest " + playlist.last().uri() + " (#" + playlist.last().sequence() + ")"
                        + (playlist.hasEndList() ? " ENDLIST" : "");
    }

    /** Every distinct version seen so far, oldest first. */
    public synchronized List<MediaPlaylist> versions() {
        return List.copyOf(versions);
    }

    /** When a version with exactly {@code text} was first read, if it was. */
    public synchronized Optional<Instant> firstSeen(String text) {
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i).text().equals(text)) {
                return Optional.of(firstSeen.get(i));
            }
        }
        return Optional.empty();
    }

    /** Failed reads (a non-200/404 answer, an unparsable playlist, a refused connection). */
    public synchronized List<Throwable> errors() {
        return List.copyOf(errors);
    }

    /** Every read so far, oldest first. */
    public synchronized List<Read> reads() {
        return List.copyOf(reads);
    }

    /** The reads as one line each, for a failure message. */
    public String timeline() {
        StringBuilder sb = new StringBuilder("\nplaylist reads:\n");
        String previous = null;
        int repeats = 0;
        for (Read read : reads()) {
            if (read.outcome().equals(previous) && read.took().toMillis() < 500) {
                repeats++;
                continue;
            }
            if (repeats > 0) {
                sb.append("  (").append(repeats).append(" more reads, same result)\n");
                repeats = 0;
            }
            sb.append("  ").append(read).append('\n');
            previous = read.outcome();
        }
        if (repeats > 0) {
            sb.append("  (").append(repeats).append(" more reads, same result)\n");
        }
        return sb.toString();
    }

    /** Waits until the newest version satisfies {@code condition} and returns it. */
    public MediaPlaylist await(String what, Duration timeout, Predicate<MediaPlaylist> condition) {
        return Polling.await(what, timeout, this::latestOrNull, p -> p != null && condition.test(p));
    }

    /** Waits until the versions seen so far list {@code count} distinct segments; returns them all. */
    public List<MediaPlaylist.Segment> awaitSegments(int count, Duration timeout) {
        return Polling.await(count + " segments listed", timeout, () -> MediaPlaylist.union(versions()),
                segments -> segments.size() >= count);
    }

    private synchronized MediaPlaylist latestOrNull() {
        return versions.isEmpty() ? null : versions.get(versions.size() - 1);
    }

    @Override
    public void close() throws InterruptedException {
        poller.shutdownNow();
        poller.awaitTermination(5, TimeUnit.SECONDS);
    }
}
