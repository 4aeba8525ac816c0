package io.livechannel.storage.catalog.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoints the SQLite catalog's write-ahead log from its own connection and thread ({@code catalog-checkpoint}),
 * every {@link #INTERVAL}, with {@code PRAGMA wal_checkpoint(PASSIVE)}; the catalog's own connection runs with
 * {@code wal_autocheckpoint=0}.
 *
 * <p>Why (issue 9): with SQLite's automatic checkpoints, the commit that crosses 1,000 WAL pages runs the
 * checkpoint itself, with its two {@code fsync}s, while holding the catalog's only connection. At 500 publishers
 * (about 500 small commits a second from the write threads: segment index rows and playlist counters) that was a
 * checkpoint a second, and an {@code fsync} behind a busy disk took up to 180 ms, during which every write thread
 * waited for the catalog and every channel's next playlist waited behind it. A passive checkpoint on another
 * connection runs beside the writer (WAL readers and writers do not block it, nor it them); the writer restarts
 * the WAL from its start once everything in it is checkpointed. Crash safety is SQLite's own either way: a commit
 * is in the WAL before it returns, and an unfinished checkpoint is redone from the WAL.
 *
 * <p>Why every 10 s and not every second: each checkpoint makes two {@code fsync}s, and a device flush can stall
 * every write in flight on the disk. On our VM a 145 ms checkpoint {@code fsync} ended together with four direct
 * segment writes of about 205 ms, one per write thread. With checkpoints every second, 5 of 7 runs at 500
 * publishers had such stalls (4-40 slow direct writes each); every 10 s, 2 runs of 2 had none. The WAL then holds
 * up to about 10 s of commits (tens of MB at 500 publishers) between checkpoints.
 *
 * <p>Threading: one daemon thread; {@link #close} stops it and closes its connection.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
    static final Duration INTERVAL = Duration.ofSeconds(10);

    /** What one checkpoint did, as {@code PRAGMA wal_checkpoint} reports it. */
    record Result(boolean busy, int walFrames, int checkpointedFrames) {
    }

    private final Connection connection;
    private final ScheduledExecutorService timer;
    private boolean failing;

    private WalCheckpointer(Connection connection) {
        this.connection = connection;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "catalog-checkpoint");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens a connection to {@code file} (a WAL-mode database) and starts checkpointing it. */
    static WalCheckpointer start(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + JdbcMetadataStore.BUSY_TIMEOUT_MILLIS);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        WalCheckpointer checkpointer = new WalCheckpointer(connection);
        long millis = INTERVAL.toMillis();
        checkpointer.timer.scheduleWithFixedDelay(checkpointer::runQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return checkpointer;
    }

    /** One passive checkpoint, now, on the calling thread (the timer's, or a test's). */
    synchronized Result runOnce() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet row = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            row.next();
            return new Result(row.getInt(1) != 0, row.getInt(2), row.getInt(3));
        }
    }

    private void runQuietly() {
        try {
            runOnce();
            if (failing) {
                failing = false;
                log.info("catalog WAL checkpoints work again");
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) { // one WARN per run of failures; the WAL keeps every commit meanwhile
                failing = true;
                log.warn("catalog WAL checkpoint failed, retrying every {} s: {}", INTERVAL.toSeconds(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("catalog WAL checkpoint still running at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the checkpoint connection: {}", e.toString());
            }
        }
    }
}
