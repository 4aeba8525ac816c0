package io.livechannel.server.cli;

import io.livechannel.api.auth.PresignedUrlSigner;
import io.livechannel.rtmp.auth.PushSignature;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code push-url <channel>}: prints a signed RTMP push URL and a play URL that plays, creating the channel
 * (FragDuration 5, FragCount 3, playlist.m3u8) when it does not exist. Works on the data dir directly, whether or
 * not the server is running (SQLite in WAL mode allows both), so an OBS user needs no SDK. The play URL of a
 * public bucket is the plain playlist URL; a private bucket's is presigned with {@code x-oss-process=hls/sign}
 * (private-playback spec) and expires with the push URL, so that any HLS player can play the channel from it.
 */
@Command(name = "push-url", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print a signed RTMP push URL and an HLS play URL (signed when the bucket is private) for a "
                + "channel (created when missing).")
public final class PushUrlCommand implements Callable<Integer> {
    static final int DEFAULT_FRAG_DURATION = 5;
    static final int DEFAULT_FRAG_COUNT = 3;
    static final String DEFAULT_PLAYLIST = "playlist.m3u8";

    @Parameters(index = "0", paramLabel = "CHANNEL", description = "LiveChannel name")
    String channel;

    @Option(names = "--expires", paramLabel = "SECONDS", defaultValue = "3600",
            description = "how long the URL stays valid (default: ${DEFAULT-VALUE})")
    long expiresSeconds;

    @Option(names = "--playlist-name", paramLabel = "NAME", description = "override the playlist name for this push")
    String playlistName;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data", description = "the server's data dir")
    Path dataDir;

    @CommandLine.Mixin
    CatalogOptions catalog;

    @Option(names = "--bucket", paramLabel = "NAME", defaultValue = "live", description = "bucket of the channel")
    String bucket;

    @Option(names = "--domain", paramLabel = "NAME", split = ",", defaultValue = "localhost",
            description = "host name for the URLs (the first of the server's --domain)")
    java.util.List<String> domains;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "8080", description = "the server's HTTP port")
    int httpPort;

    @Option(names = "--rtmp-port", paramLabel = "N", defaultValue = "1935", description = "the server's RTMP port")
    int rtmpPort;

    @Option(names = "--access-key-id", paramLabel = "ID", description = "signing key (default: the data dir's)")
    String accessKeyId;

    @Option(names = "--access-key-secret", paramLabel = "SECRET", description = "signing secret")
    String accessKeySecret;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    public PushUrlCommand() {
        this(Clock.systemUTC());
    }

    PushUrlCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws IOException {
        Map.Entry<String, String> key = signingKey();
        PrintWriter out = spec.commandLine().getOut();
        try (MetadataStore metadata = openCatalog()) {
            Optional<Bucket> found = metadata.buckets().find(bucket);
            if (found.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no bucket named " + bucket);
            }
            Channel ch = metadata.channels().find(bucket, channel).orElse(null);
            if (ch == null) {
                ch = new Channel(bucket, channel, "", ChannelStatus.ENABLED, DEFAULT_FRAG_DURATION,
                        DEFAULT_FRAG_COUNT, DEFAULT_PLAYLIST, null, clock.instant());
                metadata.channels().put(ch);
                out.printf("created channel %s/%s (FragDuration %d s, FragCount %d)%n", bucket, channel,
                        DEFAULT_FRAG_DURATION, DEFAULT_FRAG_COUNT);
            } else if (ch.status() == ChannelStatus.DISABLED) {
                out.printf("warning: channel %s/%s is disabled; pushes will be refused%n", bucket, channel);
            }
            String host = domains.get(0);
            // No bucket in the path, like the Java SDK's URLs: the server finds the channel by name and picks the
            // bucket whose signature verifies (wire spec §6.4), so OBS users can enter ".../live" as the server.
            long expires = Instant.now(clock).getEpochSecond() + expiresSeconds;
            String pushUrl = "rtmp://" + host + ":" + rtmpPort + "/live/" + encodePath(channel)
                    + "?" + signedQuery(key.getKey(), key.getValue(), expires);
            String playlist = playlistName != null ? playlistName : ch.playlistName();
            String playUrl = "http://" + host + ":" + httpPort + "/" + bucket + "/" + encodePath(channel) + "/"
                    + encodePath(playlist);
            out.println("push URL  " + pushUrl);
            if (found.get().acl() == BucketAcl.PRIVATE) {
                // every segment of a private bucket needs its own signature: hls/sign writes them into the playlist
                out.println("play URL  " + playUrl + "?" + PresignedUrlSigner.v1(new AccessKey(key.getKey(),
                        key.getValue()), expires, null).query(bucket, channel + "/" + playlist, true));
                out.println("note      bucket " + bucket + " is private: the play URL is signed (x-oss-process="
                        + "hls/sign) and stops working when the push URL does, at " + Instant.ofEpochSecond(expires));
            } else {
                out.println("play URL  " + playUrl);
            }
        }
        return 0;
    }

    private MetadataStore openCatalog() {
        if (catalog.url() != null) {
            return JdbcMetadataStore.openPostgres(catalog.url(), catalog.user(), catalog.password());
        }
        Path catalogFile = dataDir.resolve("catalog.db");
        if (!Files.isRegularFile(catalogFile)) {
            throw new CommandLine.ParameterException(spec.commandLine(), catalogFile
                    + " does not exist: start the server once with this --data-dir first");
        }
        return JdbcMetadataStore.openSqlite(catalogFile);
    }

    /** {@code OSSAccessKeyId}, {@code Expires}, {@code Signature} and {@code playlistName} as the SDKs send them. */
    String signedQuery(String id, String secret, long expires) {
        Map<String, String> params = new LinkedHashMap<>();
        if (playlistName != null) {
            params.put("playlistName", playlistName);
        }
        String signature = PushSignature.sign(secret,
                PushSignature.stringToSign(expires, params, true, bucket, channel));
        StringBuilder query = new StringBuilder()
                .append(PushSignature.ACCESS_KEY_ID).append('=').append(encode(id))
                .append('&').append(PushSignature.EXPIRES).append('=').append(expires)
                .append('&').append(PushSignature.SIGNATURE).append('=').append(encode(signature));
        params.forEach((name, value) -> query.append('&').append(encode(name)).append('=').append(encode(value)));
        return query.toString();
    }

    private Map.Entry<String, String> signingKey() throws IOException {
        if (accessKeyId != null && accessKeySecret != null) {
            return Map.entry(accessKeyId, accessKeySecret);
        }
        Path file = dataDir.resolve("access-key.properties");
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give --access-key-id and --access-key-secret, or a --data-dir holding access-key.properties");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return Map.entry(properties.getProperty("access-key-id"), properties.getProperty("access-key-secret"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String segment) {
        return encode(segment).replace("%7E", "~");
    }
}
