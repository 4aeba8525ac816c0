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
 * <p>Why each passive checkpoint is followed by a {@code RESTART} one on the catalog's own connection: the writer
 * restarts the WAL from its start only when a checkpoint has taken in every frame, and under continuous commits
 * a passive checkpoint never has: the commits made while it runs are left over each time. The WAL then grew for
 * as long as anything was published (3 GB in 20 s in {@code CatalogWriteBenchmark}, about 6 MB/s at 500
 * publishers), and every page lookup searched a longer WAL index. So, right after the passive checkpoint has
 * copied the bulk, {@link #restart} checkpoints the few frames committed meanwhile with
 * {@code wal_checkpoint(RESTART)}, holding the catalog's connection (so no commit slips in), and the next commit
 * starts the WAL over: it stays at about one interval of commits. That holds the connection for one small
 * checkpoint and its {@code fsync}; the live path's catalog writes wait in {@code CatalogBatcher}'s queue meanwhile,
 * not on a write thread.
 *
 * <p>Threading: one daemon thread; {@link #close} stops it and closes its connection.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
    static final Duration INTERVAL = Duration.ofSeconds(10);

    /** What one checkpoint did, as {@code PRAGMA wal_checkpoint} reports it. */
    record Result(boolean busy, int walFrames, int checkpointedFrames) {
    }

    /** Checkpoints what is left on the catalog's own connection, holding it, so that the next commit restarts. */
    interface Restart {
        Result run() throws SQLException;
    }

    private final Connection connection;
    private final Restart restart;
    private final ScheduledExecutorService timer;
    private boolean failing;

    private WalCheckpointer(Connection connection, Restart restart) {
        this.connection = connection;
        this.restart = restart;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "catalog-checkpoint");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens a connection to {@code file} (a WAL-mode database) and starts checkpointing it; {@code restart} runs
     * after each passive checkpoint.
     */
    static WalCheckpointer start(Path file, Restart restart) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + JdbcMetadataStore.BUSY_TIMEOUT_MILLIS);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        WalCheckpointer checkpointer = new WalCheckpointer(connection, restart);
        long millis = INTERVAL.toMillis();
        checkpointer.timer.scheduleWithFixedDelay(checkpointer::runQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return checkpointer;
    }

    /** One checkpoint cycle, now, on the calling thread (the timer's, or a test's): {@link #passive}, then restart. */
    synchronized Result runOnce() throws SQLException {
        Result passive = passive();
        Result restarted = restart();
        if (restarted.busy()) { // a reader on another connection still uses the WAL: it is restarted next time
            log.debug("catalog WAL not restarted (busy after a passive checkpoint of {} frames)", passive.walFrames());
        }
        return passive;
    }

    /** A passive checkpoint on this connection: copies the bulk of the WAL without holding the catalog. */
    synchronized Result passive() throws SQLException {
        return checkpoint(connection, "PASSIVE");
    }

    /** The {@code RESTART} checkpoint on the catalog's connection (see the class comment). */
    Result restart() throws SQLException {
        return restart.run();
    }

    /** Runs {@code PRAGMA wal_checkpoint(mode)} on {@code connection}. */
    static Result checkpoint(Connection connection, String mode) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet row = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
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
