package io.livechannel.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the server is started with, resolved from the command line, {@code LIVECHANNEL_*} environment
 * variables, a {@code --config} file and defaults, in that order of precedence.
 *
 * @param domains the server's own host names: requests to them are path-style, others virtual-hosted
 * @param accessKeyId {@code null} when the bootstrap key is to be loaded or generated in the data dir
 */
public record ServerConfig(Path dataDir, String bind, int httpPort, int rtmpPort, List<String> domains,
                           String accessKeyId, String accessKeySecret, String bucket, String bucketAcl) {
    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bind, "bind");
        domains = List.copyOf(domains);
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("at least one --domain is required");
        }
        checkPort("--http-port", httpPort);
        checkPort("--rtmp-port", rtmpPort);
        if ((accessKeyId == null) != (accessKeySecret == null)) {
            throw new IllegalArgumentException("--access-key-id and --access-key-secret go together");
        }
    }

    private static void checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " " + port + " is not a TCP port (0..65535, 0 = any free)");
        }
    }

    /** The first domain: the one used to build URLs. */
    public String primaryDomain() {
        return domains.get(0);
    }

    @Override
    public String toString() {
        return "ServerConfig[dataDir=" + dataDir + ", bind=" + bind + ", httpPort=" + httpPort + ", rtmpPort="
                + rtmpPort + ", domains=" + domains + ", accessKeyId=" + accessKeyId + ", bucket=" + bucket
                + ", bucketAcl=" + bucketAcl + "]";
    }
}
