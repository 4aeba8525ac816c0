package io.livechannel.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar livechannel-server.jar [options]}: runs the whole service until SIGTERM or Ctrl-C.
 * Every option can also come from {@code LIVECHANNEL_<NAME>} or the {@code --config} file
 * ({@link ConfigDefaults}).
 */
@Command(name = "livechannel-server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Self-hosted OSS LiveChannel: RTMP in, HLS out, an OSS-compatible HTTP API.%n"
                + "Each option may also be set by the environment variable LIVECHANNEL_<NAME> "
                + "(e.g. LIVECHANNEL_HTTP_PORT) or by <name>=<value> in the --config file.")
public final class Main implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with option=value lines")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data",
            description = "where objects, metadata and the generated key live (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "8080",
            description = "HTTP API port; RTMP is accepted here too (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--rtmp-port", paramLabel = "N", defaultValue = "1935",
            description = "RTMP ingest port (default: ${DEFAULT-VALUE})")
    int rtmpPort;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "0.0.0.0",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--domain", paramLabel = "NAME", split = ",", defaultValue = "localhost",
            description = "the server's own host name(s), comma-separated; the first builds URLs "
                    + "(default: ${DEFAULT-VALUE})")
    List<String> domains;

    @Option(names = "--access-key-id", paramLabel = "ID",
            description = "bootstrap access key id (default: generated on first start)")
    String accessKeyId;

    @Option(names = "--access-key-secret", paramLabel = "SECRET", description = "bootstrap access key secret")
    String accessKeySecret;

    @Option(names = "--bucket", paramLabel = "NAME", defaultValue = "live",
            description = "default bucket, created on first start (default: ${DEFAULT-VALUE})")
    String bucket;

    @Option(names = "--bucket-acl", paramLabel = "ACL", defaultValue = "private",
            description = "ACL of the default bucket when created: private, public-read, public-read-write "
                    + "(default: ${DEFAULT-VALUE})")
    String bucketAcl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final CountDownLatch stopped = new CountDownLatch(1);

    Main(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /** Parses the command line and runs it; returns the process exit code. */
    static int run(String[] args, Map<String, String> environment, PrintStream out) {
        CommandLine commandLine = new CommandLine(new Main(out));
        try {
            commandLine.setDefaultValueProvider(ConfigDefaults.from(args, environment));
        } catch (IOException e) {
            commandLine.getErr().println("cannot read the --config file: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        return commandLine.execute(args);
    }

    ServerConfig config() {
        return new ServerConfig(dataDir, bind, httpPort, rtmpPort, domains, accessKeyId, accessKeySecret, bucket,
                bucketAcl);
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Wiring wiring = Wiring.start(config, new SecureRandom());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            wiring.close();
            stopped.countDown();
        }, "shutdown"));
        out.print(wiring.startupBanner(Version.string()));
        out.flush();
        stopped.await();
        return 0;
    }

    /** The version from the jar's build ({@code version.properties}, filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        static String string() {
            try (InputStream in = Main.class.getResourceAsStream("/io/livechannel/server/version.properties")) {
                Properties properties = new Properties();
                if (in != null) {
                    properties.load(in);
                }
                return properties.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }

        @Override
        public String[] getVersion() {
            return new String[] {"livechannel " + string()};
        }
    }
}
