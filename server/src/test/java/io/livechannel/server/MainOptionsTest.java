package io.livechannel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.storage.fs.FsyncPolicy;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainOptionsTest {
    @TempDir
    Path temp;

    private ServerConfig parse(Map<String, String> env, String... args) throws IOException {
        Main main = new Main(System.out);
        CommandLine commandLine = Main.commandLine(main);
        commandLine.setDefaultValueProvider(ConfigDefaults.from(args, env));
        commandLine.parseArgs(args);
        return main.config();
    }

    @Test
    void leakDetectionIsOffUnlessAPropertyChoosesALevel() {
        Properties none = new Properties();
        none.setProperty("java.version", "17");
        assertThat(Main.leakDetectionLevel(none)).isEqualTo(ResourceLeakDetector.Level.DISABLED);

        Properties paranoid = new Properties();
        paranoid.setProperty("io.netty.leakDetection.level", "paranoid");
        assertThat(Main.leakDetectionLevel(paranoid)).as("the property decides").isNull();

        Properties legacy = new Properties();
        legacy.setProperty("io.netty.leakDetectionLevel", "simple");
        assertThat(Main.leakDetectionLevel(legacy)).as("Netty's older property name decides too").isNull();
    }

    @Test
    void noArgumentsGiveTheEmbeddedDefaults() throws IOException {
        ServerConfig config = parse(Map.of());

        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.network().httpPort()).isEqualTo(8080);
        assertThat(config.network().rtmpPort()).isEqualTo(1935);
        assertThat(config.network().bind()).isEqualTo("0.0.0.0");
        assertThat(config.network().domains()).containsExactly("localhost");
        assertThat(config.bootstrap().bucket()).isEqualTo("live");
        assertThat(config.bootstrap().bucketAcl()).isEqualTo("private");
        assertThat(config.bootstrap().accessKeyId()).isNull();
        assertThat(config.metricsPort()).isEqualTo(ServerConfig.METRICS_OFF);
        assertThat(parse(Map.of("LIVECHANNEL_METRICS_PORT", "9464")).metricsPort()).isEqualTo(9464);
        assertThat(config.store().fsync()).isEqualTo(FsyncPolicy.UPLOADS);
    }

    @Test
    void fsyncPolicyComesFromTheCommandLineTheEnvironmentOrTheConfigFile() throws IOException {
        Path file = temp.resolve("livechannel.properties");
        Files.writeString(file, "fsync=always\n");

        assertThat(parse(Map.of(), "--fsync", "NEVER").store().fsync()).isEqualTo(FsyncPolicy.NEVER);
        assertThat(parse(Map.of("LIVECHANNEL_FSYNC", "never")).store().fsync()).isEqualTo(FsyncPolicy.NEVER);
        assertThat(parse(Map.of(), "--config", file.toString()).store().fsync()).isEqualTo(FsyncPolicy.ALWAYS);
    }

    @Test
    void anUnknownFsyncPolicyIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(new Main(System.out)).setErr(new PrintWriter(err));

        int exit = commandLine.execute("--fsync", "sometimes", "--data-dir", temp.toString());

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--fsync").contains("sometimes");
    }

    @Test
    void transportAndReadBatchingDefaultToEpollWhereItLoadsAnd100Ms() throws IOException {
        ServerConfig config = parse(Map.of());
        assertThat(config.network().transport()).isEqualTo(Transport.AUTO);
        assertThat(config.network().transport().resolve()).as("the jar's native epoll loads on this Linux machine")
                .isEqualTo(Transport.EPOLL);
        assertThat(config.ingest().rtmpReadBatch()).isEqualTo(Duration.ofMillis(100));

        ServerConfig nio = parse(Map.of("LIVECHANNEL_RTMP_READ_BATCH_MS", "0"), "--transport", "nio");
        assertThat(nio.network().transport().resolve()).isEqualTo(Transport.NIO);
        assertThat(nio.ingest().rtmpReadBatch()).isZero();
    }

    @Test
    void aSnapshotWebhookNeedsAnHttpUrlAndASecretOfSixteenCharacters() throws IOException {
        assertThat(parse(Map.of()).ingest().snapshotWebhook()).isNull();
        ServerConfig config = parse(Map.of("LIVECHANNEL_SNAPSHOT_WEBHOOK_SECRET", "0123456789abcdef"),
                "--snapshot-webhook", "https://hooks.example.com/snap");
        assertThat(config.ingest().snapshotWebhook().url()).hasToString("https://hooks.example.com/snap");
        assertThat(config.ingest().snapshotWebhook().secret()).isEqualTo("0123456789abcdef");
        assertThat(config.ingest().snapshotWebhook().toString()).doesNotContain("0123456789abcdef");

        for (String[] args : List.of(new String[] {"--snapshot-webhook", "http://127.0.0.1:9/hook"},
                new String[] {"--snapshot-webhook", "http://127.0.0.1:9/hook", "--snapshot-webhook-secret", "short"},
                new String[] {"--snapshot-webhook", "ftp://127.0.0.1/hook", "--snapshot-webhook-secret",
                        "0123456789abcdef"})) {
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.commandLine(new Main(System.out)).setErr(new PrintWriter(err));
            List<String> all = new java.util.ArrayList<>(List.of(args));
            all.addAll(List.of("--data-dir", temp.toString()));
            assertThat(commandLine.execute(all.toArray(String[]::new))).as(String.join(" ", args))
                    .isEqualTo(CommandLine.ExitCode.USAGE);
            assertThat(err.toString()).contains("--snapshot-webhook");
        }
    }

    @Test
    void aReadBatchOutsideZeroTo500MsIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(new Main(System.out)).setErr(new PrintWriter(err));

        int exit = commandLine.execute("--rtmp-read-batch-ms", "501", "--data-dir", temp.toString());

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--rtmp-read-batch-ms 501 is not in [0, 500]");
    }

    @Test
    void theLargestSegmentDefaultsToThePackagersAndIsHiddenFromTheHelp() throws IOException {
        assertThat(parse(Map.of()).ingest().segmenterLimits()).isEqualTo(io.livechannel.hls.SegmenterLimits.DEFAULTS);
        assertThat(parse(Map.of(), "--max-segment-bytes", "65536").ingest().segmenterLimits().maxSegmentBytes())
                .isEqualTo(65536);
        assertThat(Main.commandLine(new Main(System.out)).getUsageMessage()).doesNotContain("--max-segment-bytes");

        StringWriter err = new StringWriter();
        int exit = Main.commandLine(new Main(System.out)).setErr(new PrintWriter(err))
                .execute("--max-segment-bytes", "65535", "--data-dir", temp.toString());
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--max-segment-bytes 65535 is not in [65536, 1073741824]");
    }

    @Test
    void commandLineBeatsEnvironmentWhichBeatsConfigFileWhichBeatsDefault() throws IOException {
        Path file = temp.resolve("livechannel.properties");
        Files.writeString(file, "http-port=9001\nrtmp-port=9002\nbucket=from-file\ndomain=a.example,b.example\n");
        Map<String, String> env = Map.of("LIVECHANNEL_RTMP_PORT", "9102", "LIVECHANNEL_BUCKET", "from-env");

        ServerConfig config = parse(env, "--config", file.toString(), "--bucket", "from-cli");

        assertThat(config.bootstrap().bucket()).isEqualTo("from-cli");
        assertThat(config.network().rtmpPort()).isEqualTo(9102);
        assertThat(config.network().httpPort()).isEqualTo(9001);
        assertThat(config.network().domains()).containsExactly("a.example", "b.example");
        assertThat(config.network().primaryDomain()).isEqualTo("a.example");
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    }

    @Test
    void s3StoreOptionsComeTogether() throws IOException {
        ServerConfig config = parse(Map.of("LIVECHANNEL_S3_SECRET_ACCESS_KEY", "s3secret"), "--store", "s3",
                "--s3-endpoint", "http://127.0.0.1:9000", "--s3-access-key-id", "minio");

        assertThat(config.store().s3()).isNotNull();
        assertThat(config.store().s3().endpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(config.store().s3().region()).isEqualTo("us-east-1");
        assertThat(config.store().s3().pathStyle()).isTrue();
        assertThat(config.store().s3().secretAccessKey()).isEqualTo("s3secret");
        assertThat(config.toString()).doesNotContain("s3secret");
        assertThat(parse(Map.of()).store().s3()).isNull();
    }

    @Test
    void s3StoreWithoutEndpointIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(new Main(System.out)).setErr(new PrintWriter(err));

        int exit = commandLine.execute("--store", "s3", "--data-dir", temp.toString());

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--store s3 needs --s3-endpoint");
    }

    @Test
    void configFileCanBeNamedByEnvironment() throws IOException {
        Path file = temp.resolve("other.properties");
        Files.writeString(file, "data-dir=/srv/lc\n");

        ServerConfig config = parse(Map.of("LIVECHANNEL_CONFIG", file.toString()));

        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/lc"));
    }

    @Test
    void versionAndHelpPrintAndExitZero() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        int version;
        int help;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            version = Main.run(new String[] {"--version"}, Map.of(), System.out);
            help = Main.run(new String[] {"--help"}, Map.of(), System.out);
        } finally {
            System.setOut(savedOut);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(version).isZero();
        assertThat(help).isZero();
        assertThat(printed).contains("livechannel 0.1.0");
        assertThat(printed).contains("--data-dir", "--http-port", "--rtmp-port", "--bind", "--domain",
                "--access-key-id", "--access-key-secret", "--bucket", "--bucket-acl", "--config", "LIVECHANNEL_");
    }

    @Test
    void badPortIsAUsageErrorThatNamesTheOption() {
        StringWriter err = new StringWriter();
        Main main = new Main(System.out);
        CommandLine commandLine = Main.commandLine(main).setErr(new PrintWriter(err));

        int exit = commandLine.execute("--http-port", "70000", "--data-dir", temp.toString());

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--http-port 70000");
    }

    @Test
    void keyIdWithoutSecretIsRefused() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(new Main(System.out)).setErr(new PrintWriter(err));

        int exit = commandLine.execute("--access-key-id", "AK", "--data-dir", temp.toString());

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--access-key-id and --access-key-secret go together");
        assertThat(List.of(temp.toFile().list())).isEmpty();
    }
}
