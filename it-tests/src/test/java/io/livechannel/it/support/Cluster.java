package io.livechannel.it.support;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import io.livechannel.storage.testing.PostgresFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Several server jars as one LiveChannel service, as an operator deploys a cluster: every node is a child process
 * on its own loopback ports, with the same bootstrap key and bucket, one PostgreSQL catalog ({@link PostgresFixture},
 * database {@value #DATABASE}) and one S3 store ({@link S3ProxyServer} in the test JVM). Nodes are named
 * {@code node-a}, {@code node-b}, ... ({@code --node-id}); each keeps its data dir and the logs of every one of its
 * runs ({@code server*.err}) under {@code <dir>/<node-id>/}. A node can be stopped (SIGTERM), killed (SIGKILL),
 * frozen (SIGSTOP), thawed (SIGCONT) and started again; a restarted node listens on new ports.
 */
public final class Cluster implements AutoCloseable {
    /** The bucket every node bootstraps ({@code public-read}, so that players read HLS anonymously). */
    public static final String BUCKET = Deployment.BUCKET;
    /** The playlist name every test channel uses. */
    public static final String PLAYLIST = "playlist.m3u8";
    /** The FragDuration of the channels {@link Node#createChannel} creates. */
    public static final int FRAG_DURATION_SECONDS = 2;
    static final String DATABASE = "livechannel";
    private static final int START_ATTEMPTS = 5;
    /** How long one publish attempt may take to be admitted or refused. */
    private static final Duration ADMISSION_TIMEOUT = Duration.ofSeconds(20);

    private final PostgresFixture database;
    private final String catalogUrl;
    private final S3ProxyServer s3;
    private final List<Node> nodes = new ArrayList<>();
    private final List<String> failedStarts = new ArrayList<>();

    private Cluster(PostgresFixture database, String catalogUrl, S3ProxyServer s3) {
        this.database = database;
        this.catalogUrl = catalogUrl;
        this.s3 = s3;
    }

    /**
     * Starts PostgreSQL with an empty database, S3Proxy, and {@code size} nodes one after the other (each with
     * {@link #startRetrying}), with everything kept under {@code dir}.
     */
    public static Cluster start(Path dir, int size) throws Exception {
        return start(dir, size, false);
    }

    /**
     * Like {@link #start(Path, int)}, with every node started at the same moment when {@code together} (the
     * concurrent first start on an empty database).
     */
    public static Cluster start(Path dir, int size, boolean together) throws Exception {
        Ffmpeg.requireInstalled();
        PostgresFixture database = PostgresFixture.start();
        Cluster cluster;
        try {
            cluster = new Cluster(database, database.createDatabase(DATABASE), S3ProxyServer.start(dir.resolve("s3")));
        } catch (Exception | AssertionError e) {
            database.close();
            throw e;
        }
        try {
            for (int i = 0; i < size; i++) {
                String id = "node-" + (char) ('a' + i);
                cluster.nodes.add(cluster.new Node(id, dir.resolve(id)));
            }
            if (together) {
                cluster.startStopped();
            } else {
                for (Node node : cluster.nodes) {
                    cluster.startRetrying(node);
                }
            }
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * Starts {@code node}, trying again (at most {@value #START_ATTEMPTS} times in all) when a start fails; every
     * failed start is kept in {@link #failedStarts()} for the tests to judge, while the cluster still comes up
     * for what they measure.
     */
    public void startRetrying(Node node) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                node.start();
                return;
            } catch (IOException e) {
                synchronized (failedStarts) {
                    failedStarts.add(node + " start " + attempt + ": " + e.getMessage());
                }
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The starts that failed (and were tried again) by {@link #startRetrying}. */
    public List<String> failedStarts() {
        synchronized (failedStarts) {
            return List.copyOf(failedStarts);
        }
    }

    /** Starts every node that is not running (a killed or stopped one), all at once; thaws frozen ones. */
    public void startStopped() throws Exception {
        ExecutorService starter = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<?>> starts = new ArrayList<>();
            for (Node node : nodes) {
                if (node.frozen) {
                    node.thaw();
                }
                if (!node.isRunning()) {
                    starts.add(starter.submit(() -> {
                        node.start();
                        return null;
                    }));
                }
            }
            for (Future<?> start : starts) {
                Concurrently.result(start);
            }
        } finally {
            starter.shutdownNow();
        }
    }

    public Node node(int index) {
        return nodes.get(index);
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public PostgresFixture database() {
        return database;
    }

    /** The JDBC URL of the catalog database (user and password: {@link #database()}). */
    public String catalogUrl() {
        return catalogUrl;
    }

    public S3ProxyServer s3() {
        return s3;
    }

    /**
     * {@code channel}'s live playlist as stored in S3 (read from S3Proxy's file, not through any node), or empty
     * while there is none.
     */
    public Optional<MediaPlaylist> storedPlaylist(String channel) throws IOException {
        return s3.objectText(BUCKET, channel + "/" + PLAYLIST).map(MediaPlaylist::parse);
    }

    /** The lines of every run of every node's log that contain {@code marker}, each prefixed with the node id. */
    public List<String> serverLogLines(String marker) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Node node : nodes) {
            for (RunningServer run : node.runs) {
                run.stderr().stream().filter(l -> l.contains(marker)).forEach(l -> lines.add(node.id + " " + l));
            }
        }
        return lines;
    }

    @Override
    public void close() throws Exception {
        try {
            for (Node node : nodes) {
                node.close();
            }
        } finally {
            try {
                s3.close();
            } finally {
                database.close();
            }
        }
    }

    /** One node of the cluster: a server process (replaced on each start) and a client for it. */
    public final class Node {
        private final String id;
        private final Path dir;
        private final List<RunningServer> runs = new ArrayList<>();
        private RunningServer server;
        private ServerClient client;
        private boolean frozen;

        private Node(String id, Path dir) {
            this.id = id;
            this.dir = dir;
        }

        /** Starts the node's server (again) on its data dir; returns once it listens. */
        public void start() throws IOException, InterruptedException {
            List<String> args = new ArrayList<>(List.of("--access-key-id", AccessKey.SERVER.id(),
                    "--access-key-secret", AccessKey.SERVER.secret(), "--bucket", BUCKET,
                    "--bucket-acl", "public-read", "--catalog", catalogUrl, "--catalog-user", database.user(),
                    "--catalog-password", database.password(), "--node-id", id));
            args.addAll(s3.serverArgs());
            RunningServer started = RunningServer.start(dir.resolve("data"), args.toArray(String[]::new));
            synchronized (this) {
                runs.add(started);
                server = started;
                if (client != null) {
                    client.close();
                }
                client = new ServerClient(started.httpEndpoint());
            }
        }

        /** SIGTERM and wait; returns the exit code. */
        public int stop() throws IOException, InterruptedException {
            return server.stop();
        }

        /** SIGKILL, as a crash or the OOM killer would. */
        public void kill() throws InterruptedException {
            server.kill();
            frozen = false;
        }

        /** SIGSTOP: the node holds its sockets and leases but runs nothing until {@link #thaw()}. */
        public void freeze() throws IOException, InterruptedException {
            server.freeze();
            frozen = true;
        }

        /** SIGCONT after {@link #freeze()}. */
        public void thaw() throws IOException, InterruptedException {
            server.thaw();
            frozen = false;
        }

        public boolean isRunning() {
            return server != null && server.isAlive();
        }

        public String id() {
            return id;
        }

        /** The current run of the node's server. */
        public synchronized RunningServer server() {
            return server;
        }

        /** A client for the current run (replaced on each start). */
        public synchronized ServerClient client() {
            return client;
        }

        public OSS oss() {
            return client().oss();
        }

        /** Creates {@code channel} (enabled, HLS, 2 s fragments, 3 in the playlist) through this node. */
        public void createChannel(String channel) {
            oss().createLiveChannel(new CreateLiveChannelRequest(BUCKET, channel, "cluster",
                    LiveChannelStatus.Enabled, new LiveChannelTarget("HLS", FRAG_DURATION_SECONDS, 3, PLAYLIST)));
        }

        /** A push URL for {@code channel}'s {@value #PLAYLIST} signed by this node's SDK client, valid 1 h. */
        public String pushUrl(String channel) {
            return client().signedPushUrl(BUCKET, channel, PLAYLIST, Duration.ofHours(1));
        }

        /**
         * Starts publishers of {@code media} to {@code channel} on this node, one after the other, until one is
         * admitted (each refused one has exited), and returns it; fails when none was admitted {@code within}.
         */
        public Push publishWhenAdmitted(String channel, Duration media, Duration within, Path logDir)
                throws IOException, InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            int attempts = 0;
            while (System.nanoTime() < deadline) {
                attempts++;
                Push push = Ffmpeg.push(pushUrl(channel), media, logDir);
                if (push.awaitAdmission(ADMISSION_TIMEOUT)) {
                    return push;
                }
                push.close();
            }
            throw new AssertionError("no publish of " + channel + " admitted by " + id + " in " + attempts
                    + " attempts within " + within);
        }

        /** {@code channel}'s live playlist as this node serves it to an anonymous player (empty on 404). */
        public Optional<MediaPlaylist> playlist(String channel) throws IOException, InterruptedException {
            return client().playlist(BUCKET, channel + "/" + PLAYLIST);
        }

        private void close() throws IOException, InterruptedException {
            if (frozen) {
                thaw();
            }
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
        }

        @Override
        public String toString() {
            return id;
        }
    }
}
