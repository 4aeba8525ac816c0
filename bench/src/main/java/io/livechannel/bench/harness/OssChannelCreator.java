package io.livechannel.bench.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Creates live channels through the OSS API ({@code PUT /<bucket>/<channel>?live}, PutLiveChannel) with an OSS V1
 * header signature: {@code Authorization: OSS <id>:base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate\n
 * /<bucket>/<channel>?live))} (see spec/oss-sdk-wire-spec.md). Blocking; call from the harness thread only. The
 * secret is never logged.
 */
public final class OssChannelCreator {
    private static final String CONTENT_TYPE = "application/xml";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI endpoint;
    private final String bucket;
    private final String accessKeyId;
    private final String accessKeySecret;
    private final int snapshotIntervalSeconds;

    /** @param snapshotIntervalSeconds each channel's Snapshot Interval (snapshots stored in {@code bucket}), 0: none */
    public OssChannelCreator(URI endpoint, String bucket, String accessKeyId, String accessKeySecret,
                             int snapshotIntervalSeconds) {
        this.snapshotIntervalSeconds = snapshotIntervalSeconds;
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
    }

    /** Creates (or re-configures) {@code channel} with an HLS target; throws with the server's answer on failure. */
    public void create(String channel, int fragDurationSeconds, int fragCount) throws IOException,
            InterruptedException {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelConfiguration>"
                + "<Description>bench</Description><Status>enabled</Status><Target><Type>HLS</Type>"
                + "<FragDuration>" + fragDurationSeconds + "</FragDuration><FragCount>" + fragCount + "</FragCount>"
                + "<PlaylistName>playlist.m3u8</PlaylistName></Target>"
                + (snapshotIntervalSeconds == 0 ? "" : "<Snapshot><RoleName>bench</RoleName><DestBucket>" + bucket
                        + "</DestBucket><NotifyTopic>bench</NotifyTopic><Interval>" + snapshotIntervalSeconds
                        + "</Interval></Snapshot>")
                + "</LiveChannelConfiguration>";
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.US)
                .format(ZonedDateTime.now(ZoneOffset.UTC));
        String toSign = "PUT\n\n" + CONTENT_TYPE + "\n" + date + "\n/" + bucket + "/" + channel + "?live";
        HttpRequest req = HttpRequest.newBuilder(endpoint.resolve("/" + bucket + "/" + channel + "?live"))
                .header("Date", date).header("Content-Type", CONTENT_TYPE)
                .header("Authorization", "OSS " + accessKeyId + ":" + sign(toSign))
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IOException("PutLiveChannel " + channel + " answered " + resp.statusCode() + ": " + resp.body());
        }
    }

    private String sign(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(accessKeySecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every JDK", e);
        }
    }
}
