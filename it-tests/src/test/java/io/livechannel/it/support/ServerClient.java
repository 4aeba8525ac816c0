package io.livechannel.it.support;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.ListObjectsRequest;
import com.aliyun.oss.model.OSSObjectSummary;
import com.aliyun.oss.model.ObjectListing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a user's tools do against one running server: the owner's SDK client (signature V1, key
 * {@link AccessKey#SERVER}), push URLs signed by the SDK, and anonymous GETs of objects as a player of a
 * {@code public-read} bucket makes them. Close it to shut the SDK client down.
 */
public final class ServerClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String endpoint;
    private final OSS oss;

    public ServerClient(String endpoint) {
        this.endpoint = endpoint;
        this.oss = OssClients.v1(endpoint, AccessKey.SERVER);
    }

    public String endpoint() {
        return endpoint;
    }

    public OSS oss() {
        return oss;
    }

    /** A push URL signed by the SDK, valid for {@code validFor} from now. */
    public String signedPushUrl(String bucket, String channel, String playlistName, Duration validFor) {
        long expires = Instant.now().plus(validFor).getEpochSecond();
        return oss.generateRtmpUri(bucket, channel, playlistName, expires);
    }

    /** The anonymous (unsigned) URL of an object, as a player of a public-read bucket uses it. */
    public String objectUrl(String bucket, String key) {
        return endpoint + "/" + bucket + "/" + key;
    }

    /** An anonymous GET: the status code and the body. */
    public HttpResponse<byte[]> get(String bucket, String key) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(objectUrl(bucket, key)))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** An anonymous GET: the body on 200, empty on 404, an {@link AssertionError} on any other status. */
    public Optional<byte[]> getPublic(String bucket, String key) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(bucket, key);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + objectUrl(bucket, key) + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return Optional.of(response.body());
    }

    /** The playlist object parsed, or empty while it does not exist yet. */
    public Optional<MediaPlaylist> playlist(String bucket, String key) throws IOException, InterruptedException {
        return getPublic(bucket, key).map(b -> MediaPlaylist.parse(new String(b, StandardCharsets.UTF_8)));
    }

    /** Every object under {@code prefix} as the SDK lists it (ListObjects, all pages), sorted by key. */
    public List<OSSObjectSummary> listObjects(String bucket, String prefix) {
        List<OSSObjectSummary> all = new ArrayList<>();
        String marker = null;
        ObjectListing listing;
        do {
            listing = oss.listObjects(new ListObjectsRequest(bucket).withPrefix(prefix).withMarker(marker)
                    .withMaxKeys(1000));
            all.addAll(listing.getObjectSummaries());
            marker = listing.getNextMarker();
        } while (listing.isTruncated());
        all.sort(Comparator.comparing(OSSObjectSummary::getKey));
        return all;
    }

    /** The keys of the {@code .ts} objects under {@code <channel>/}, sorted (= in creation order). */
    public List<String> segmentKeys(String bucket, String channel) {
        return listObjects(bucket, channel + "/").stream().map(OSSObjectSummary::getKey)
                .filter(k -> k.endsWith(".ts")).toList();
    }

    @Override
    public void close() {
        oss.shutdown();
    }
}
