package io.livechannel.storage.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, started from Debian's binaries ({@code apt-get install postgresql}; the newest
 * {@code /usr/lib/postgresql/<version>/bin}, or the directory in the environment variable {@code LIVECHANNEL_PG_BIN})
 * into a fresh temporary directory (a copy of a cluster initdb made once per JVM), listening on 127.0.0.1 on a free
 * port with its unix socket in that directory.
 * {@code fsync} is off: the data dies with the fixture. PostgreSQL refuses to run as root, so under root the server
 * runs as the {@code postgres} user the package creates (through {@code runuser}).
 *
 * <pre>{@code
 * try (PostgresFixture pg = PostgresFixture.start()) {
 *     String url = pg.createDatabase("catalog");          // jdbc:postgresql://127.0.0.1:PORT/catalog
 *     DriverManager.getConnection(url, pg.user(), pg.password());
 *     pg.stopServer();                                    // the database goes away (connections refused) ...
 *     pg.startServer();                                   // ... and comes back on the same port with the same data
 * }
 * }</pre>
 * Used by the storage, server and it-tests modules through storage's test-jar
 * ({@code <type>test-jar</type><scope>test</scope>}).
 */
public final class PostgresFixture implements AutoCloseable {
    private static final String USER = "livechannel";
    private static final String PASSWORD = "livechannel-test";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final Path binDir;
    private final Path baseDir;
    private final boolean asPostgresUser;
    /** See {@link #pristineCluster}. */
    private static Path pristine;

    private final Thread stopAtExit = new Thread(this::stopQuietly, "postgres-fixture-stop");
    private int port;

    private PostgresFixture(Path binDir, Path baseDir, boolean asPostgresUser) {
        this.binDir = binDir;
        this.baseDir = baseDir;
        this.asPostgresUser = asPostgresUser;
    }

    /** Creates a new cluster and starts it; {@link #close()} stops it and deletes its files. */
    public static PostgresFixture start() throws IOException {
        Path binDir = findBinaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path baseDir = Files.createTempDirectory("livechannel-pg-");
        PostgresFixture fixture = new PostgresFixture(binDir, baseDir, root);
        try {
            fixture.copyCluster(pristineCluster(binDir, root));
            Runtime.getRuntime().addShutdownHook(fixture.stopAtExit);
            fixture.startOnFreePort();
            return fixture;
        } catch (IOException | RuntimeException e) {
            fixture.close();
            throw e;
        }
    }

    /** The JDBC URL of the {@code postgres} maintenance database. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** The JDBC URL of {@code database} on this server (without user or password). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The superuser every database here belongs to. */
    public String user() {
        return USER;
    }

    /** {@link #user()}'s password; TCP connections must give it (scram-sha-256). */
    public String password() {
        return PASSWORD;
    }

    public int port() {
        return port;
    }

    /** Creates an empty database named {@code name} (lower case letters, digits, '_') and returns its JDBC URL. */
    public String createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            // FILE_COPY (PostgreSQL 15 and newer) copies the template's files instead of writing them to the WAL:
            // a third of the time, and the checkpoints it costs are cheap with fsync off
            boolean fileCopy = connection.getMetaData().getDatabaseMajorVersion() >= 15;
            statement.execute("CREATE DATABASE " + name + (fileCopy ? " STRATEGY = FILE_COPY" : ""));
        } catch (SQLException e) {
            throw new IllegalStateException("CREATE DATABASE " + name + " failed", e);
        }
        return jdbcUrl(name);
    }

    /** Stops the server (fast shutdown: open connections are cut); {@link #startServer()} brings it back. */
    public void stopServer() throws IOException {
        run(pgCtl("stop", "-m", "fast"));
    }

    /** Starts the stopped server again on the same port, with the same databases. */
    public void startServer() throws IOException {
        run(pgCtl("start", "-o", serverOptions(port)));
    }

    @Override
    public void close() throws IOException {
        try {
            stopIfRunning();
        } finally {
            deleteTree(baseDir);
            try {
                Runtime.getRuntime().removeShutdownHook(stopAtExit);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the JVM is already exiting, or the hook was never added
            }
        }
    }

    private void stopIfRunning() throws IOException {
        if (Files.exists(dataDir().resolve("postmaster.pid"))) {
            run(pgCtl("stop", "-m", "immediate"));
        }
    }

    /** A test JVM that exits without closing the fixture must not leave a server running. */
    private void stopQuietly() {
        try {
            stopIfRunning();
        } catch (IOException e) {
            System.err.println("could not stop the test PostgreSQL in " + baseDir + ": " + e.getMessage());
        }
    }

    /**
     * A cluster fresh from initdb, made once per JVM and copied for each fixture: copying its files takes a third
     * of initdb's time. It is deleted when the JVM exits.
     */
    private static synchronized Path pristineCluster(Path binDir, boolean asPostgresUser) throws IOException {
        if (pristine == null) {
            PostgresFixture maker = new PostgresFixture(binDir, Files.createTempDirectory("livechannel-pg-initdb-"),
                    asPostgresUser);
            maker.initdb();
            Runtime.getRuntime().addShutdownHook(new Thread(maker::deleteQuietly, "postgres-fixture-initdb-delete"));
            pristine = maker.dataDir();
        }
        return pristine;
    }

    private void copyCluster(Path cluster) throws IOException {
        if (asPostgresUser) {
            giveToPostgresUser(baseDir);
        }
        run(List.of("cp", "-a", cluster.toString(), dataDir().toString()));
    }

    private void deleteQuietly() {
        try {
            deleteTree(baseDir);
        } catch (IOException e) {
            System.err.println("could not delete " + baseDir + ": " + e.getMessage());
        }
    }

    private void initdb() throws IOException {
        Path passwordFile = baseDir.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        if (asPostgresUser) {
            giveToPostgresUser(baseDir);
            giveToPostgresUser(passwordFile);
        }
        run(List.of(binDir.resolve("initdb").toString(), "-D", dataDir().toString(), "-U", USER,
                "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust",
                "-E", "UTF8", "--locale=C", "--no-sync"));
    }

    private void startOnFreePort() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            port = freePort();
            try {
                run(pgCtl("start", "-o", serverOptions(port)));
                return;
            } catch (IOException e) {
                last = e; // another process took the port between the probe and the bind
            }
        }
        throw last;
    }

    private String serverOptions(int port) {
        return "-p " + port + " -k " + baseDir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
    }

    private List<String> pgCtl(String action, String... options) {
        List<String> command = new ArrayList<>(List.of(binDir.resolve("pg_ctl").toString(), action,
                "-D", dataDir().toString(), "-w", "-t", "30", "-l", baseDir.resolve("server.log").toString()));
        command.addAll(List.of(options));
        return command;
    }

    private Path dataDir() {
        return baseDir.resolve("data");
    }

    private void run(List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", full));
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", full) + " exited " + process.exitValue() + ":\n" + output
                        + serverLog());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", full), e);
        }
    }

    private String serverLog() {
        Path log = baseDir.resolve("server.log");
        try {
            return Files.exists(log) ? "\nserver.log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static Path findBinaries() {
        String configured = System.getenv("LIVECHANNEL_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return requireBinaries(Path.of(configured));
        }
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparingInt(bin -> versionOf(bin.getParent())))
                    .orElseThrow(() -> new IllegalStateException("PostgreSQL server binaries not found under "
                            + root + ": apt-get install postgresql (or set LIVECHANNEL_PG_BIN to the directory"
                            + " holding initdb and pg_ctl)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path requireBinaries(Path bin) {
        if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
            throw new IllegalStateException("LIVECHANNEL_PG_BIN=" + bin + " holds no initdb/pg_ctl");
        }
        return bin;
    }

    private static int versionOf(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void giveToPostgresUser(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName("postgres");
        view.setOwner(lookup.lookupPrincipalByName("postgres"));
        view.setGroup(group);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
