package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogChangeListener;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Hears {@link ChangeNotices} on a connection of its own (outside the pool: {@code LISTEN} belongs to one session)
 * and hands them to one {@link CatalogChangeListener}, on the thread {@code catalog-changes}.
 *
 * <p>Losing the connection is noticed at once when the server closes it (a shutdown), and within
 * {@value #IDLE_CHECK_MILLIS} + {@value #SOCKET_TIMEOUT_SECONDS} s when the network silently drops it: after every
 * {@value #IDLE_CHECK_MILLIS} ms without a notice a {@code SELECT 1} must answer within the socket timeout. Then the
 * listener hears {@code listening(false)}, and {@code listening(true)} once a new connection listens again
 * (reconnecting after {@value #MIN_RECONNECT_MILLIS} ms, doubling up to {@value #MAX_RECONNECT_MILLIS} ms).
 */
final class PostgresChangeFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresChangeFeed.class);
    static final int IDLE_CHECK_MILLIS = 1000;
    static final int SOCKET_TIMEOUT_SECONDS = 3;
    static final long MIN_RECONNECT_MILLIS = 100;
    static final long MAX_RECONNECT_MILLIS = 2000;

    private final String url;
    private final Properties properties;
    private final CatalogChangeListener listener;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;

    private PostgresChangeFeed(String url, String user, String password, CatalogChangeListener listener) {
        this.url = url;
        this.properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("connectTimeout", Integer.toString(JdbcMetadataStore.CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("ApplicationName", "livechannel catalog changes");
        this.listener = listener;
        this.thread = new Thread(this::run, "catalog-changes");
        thread.setDaemon(true);
    }

    /** Starts listening; the listener hears {@code listening(true)} once the first connection listens. */
    static PostgresChangeFeed start(String url, String user, String password, CatalogChangeListener listener) {
        PostgresChangeFeed feed = new PostgresChangeFeed(url, user, password, listener);
        feed.thread.start();
        return feed;
    }

    private void run() {
        long backoff = MIN_RECONNECT_MILLIS;
        while (!closed) {
            boolean listened = false;
            try (Connection c = DriverManager.getConnection(url, properties)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + ChangeNotices.CHANNEL);
                }
                listened = true;
                backoff = MIN_RECONNECT_MILLIS;
                listener.listening(true);
                hear(c);
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (listened) {
                    listener.listening(false);
                    log.warn("catalog change notices lost ({}); caches bypassed until they are heard again",
                            e.getMessage());
                }
            } finally {
                connection = null;
            }
            if (!closed) {
                pause(backoff);
                backoff = Math.min(MAX_RECONNECT_MILLIS, backoff * 2);
            }
        }
    }

    private void hear(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
            PGNotification[] notices = pg.getNotifications(IDLE_CHECK_MILLIS);
            if (notices == null || notices.length == 0) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1"); // a silently dropped connection fails here within the socket timeout
                }
                continue;
            }
            for (PGNotification notice : notices) {
                deliver(notice.getParameter());
            }
        }
    }

    private void deliver(String payload) {
        int colon = payload.indexOf(':');
        CatalogChangeListener.Kind kind = colon < 0 ? null
                : CatalogChangeListener.Kind.ofWireName(payload.substring(0, colon));
        if (kind == null) {
            return; // a kind that a newer node sends and this one does not cache
        }
        listener.changed(kind, payload.substring(colon + 1));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                c.abort(Runnable::run); // unblocks the thread's read at once
            } catch (SQLException e) {
                log.debug("aborting the catalog change connection: {}", e.toString());
            }
        }
        thread.interrupt();
        try {
            thread.join(SOCKET_TIMEOUT_SECONDS * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
