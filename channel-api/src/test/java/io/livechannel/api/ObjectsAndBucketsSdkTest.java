package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.Bucket;
import com.aliyun.oss.model.CannedAccessControlList;
import com.aliyun.oss.model.CreateBucketRequest;
import com.aliyun.oss.model.GetObjectRequest;
import com.aliyun.oss.model.ListObjectsRequest;
import com.aliyun.oss.model.ListObjectsV2Request;
import com.aliyun.oss.model.ListObjectsV2Result;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.ObjectListing;
import com.aliyun.oss.model.ObjectMetadata;
import com.aliyun.oss.model.PutObjectResult;
import com.aliyun.oss.model.SetBucketCORSRequest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Objects and buckets through the official Java SDK, both addressing styles and signature versions. */
class ObjectsAndBucketsSdkTest {
    static final String BUCKET = ApiTestServer.BUCKET;

    @TempDir
    Path dir;
    ApiTestServer server;
    OSS oss;

    @AfterEach
    void stop() throws Exception {
        oss.shutdown();
        server.close();
    }

    private OSS start(OssClients variant) throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        oss = variant.client(server.port());
        return oss;
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void putGetRangeHeadAndDeleteAnObject(OssClients variant) throws Exception {
        OSS client = start(variant);
        byte[] data = "0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);
        ObjectMetadata meta = new ObjectMetadata();
        meta.setContentType("text/plain");
        meta.setUserMetadata(Map.of("camera", "north"));
        PutObjectResult put = client.putObject(BUCKET, "dir/a b+c~é.txt", new ByteArrayInputStream(data), meta);
        assertThat(put.getETag()).isEqualTo(server.objects.head(BUCKET, "dir/a b+c~é.txt").orElseThrow().etag())
                .isEqualTo(java.util.HexFormat.of().withUpperCase().formatHex(
                        java.security.MessageDigest.getInstance("MD5").digest(data)));

        OSSObject whole = client.getObject(BUCKET, "dir/a b+c~é.txt");
        assertThat(read(whole)).isEqualTo("0123456789abcdefghij");
        assertThat(whole.getObjectMetadata().getContentType()).isEqualTo("text/plain");
        assertThat(whole.getObjectMetadata().getUserMetadata()).containsEntry("camera", "north");
        assertThat(whole.getObjectMetadata().getLastModified()).isNotNull();

        OSSObject ranged = client.getObject(new GetObjectRequest(BUCKET, "dir/a b+c~é.txt").withRange(2, 5));
        assertThat(read(ranged)).isEqualTo("2345");
        assertThat(ranged.getObjectMetadata().getContentLength()).isEqualTo(4);
        OSSObject suffix = client.getObject(new GetObjectRequest(BUCKET, "dir/a b+c~é.txt").withRange(-1, 3));
        assertThat(read(suffix)).isEqualTo("hij");
        OSSObject beyond = client.getObject(new GetObjectRequest(BUCKET, "dir/a b+c~é.txt").withRange(100, 200));
        assertThat(read(beyond)).isEqualTo("0123456789abcdefghij"); // OSS serves the whole object

        ObjectMetadata head = client.getObjectMetadata(BUCKET, "dir/a b+c~é.txt");
        assertThat(head.getContentLength()).isEqualTo(20);
        assertThat(head.getETag()).isEqualTo(put.getETag());

        GetObjectRequest ifNoneMatch = new GetObjectRequest(BUCKET, "dir/a b+c~é.txt");
        ifNoneMatch.setNonmatchingETagConstraints(List.of(put.getETag()));
        assertThatThrownBy(() -> client.getObject(ifNoneMatch)).isInstanceOf(OSSException.class);
        GetObjectRequest ifMatch = new GetObjectRequest(BUCKET, "dir/a b+c~é.txt");
        ifMatch.setMatchingETagConstraints(List.of("\"00000000000000000000000000000000\""));
        assertThatThrownBy(() -> client.getObject(ifMatch)).isInstanceOfSatisfying(OSSException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo("PreconditionFailed"));

        client.deleteObject(BUCKET, "dir/a b+c~é.txt");
        assertThat(client.doesObjectExist(BUCKET, "dir/a b+c~é.txt")).isFalse();
        assertThatThrownBy(() -> client.getObject(BUCKET, "dir/a b+c~é.txt")).isInstanceOfSatisfying(
                OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("NoSuchKey"));
        assertThatThrownBy(() -> client.getObjectMetadata(BUCKET, "dir/a b+c~é.txt")).isInstanceOfSatisfying(
                OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("NoSuchKey"));
        client.deleteObject(BUCKET, "dir/a b+c~é.txt"); // deleting a missing key succeeds (204)
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void listObjectsV1AndV2WithDelimiterAndPaging(OssClients variant) throws Exception {
        OSS client = start(variant);
        for (String key : List.of("ch1/1.ts", "ch1/2.ts", "ch1/playlist.m3u8", "ch2/1.ts", "top.txt")) {
            client.putObject(BUCKET, key, new ByteArrayInputStream(key.getBytes(StandardCharsets.UTF_8)));
        }
        ObjectListing v1 = client.listObjects(new ListObjectsRequest(BUCKET, "", null, "/", 100));
        assertThat(v1.getObjectSummaries()).extracting(s -> s.getKey()).containsExactly("top.txt");
        assertThat(v1.getCommonPrefixes()).containsExactly("ch1/", "ch2/");
        assertThat(v1.getObjectSummaries().get(0).getOwner()).isNotNull();

        ObjectListing page = client.listObjects(new ListObjectsRequest(BUCKET, "ch1/", null, null, 2));
        assertThat(page.getObjectSummaries()).extracting(s -> s.getKey()).containsExactly("ch1/1.ts", "ch1/2.ts");
        assertThat(page.isTruncated()).isTrue();
        ObjectListing next = client.listObjects(new ListObjectsRequest(BUCKET, "ch1/", page.getNextMarker(), null, 2));
        assertThat(next.getObjectSummaries()).extracting(s -> s.getKey()).containsExactly("ch1/playlist.m3u8");
        assertThat(next.getObjectSummaries().get(0).getSize()).isEqualTo("ch1/playlist.m3u8".length());

        ListObjectsV2Result v2 = client.listObjectsV2(new ListObjectsV2Request(BUCKET).withPrefix("ch").withMaxKeys(3));
        assertThat(v2.getObjectSummaries()).extracting(s -> s.getKey())
                .containsExactly("ch1/1.ts", "ch1/2.ts", "ch1/playlist.m3u8");
        assertThat(v2.getKeyCount()).isEqualTo(3);
        assertThat(v2.isTruncated()).isTrue();
        ListObjectsV2Result v2next = client.listObjectsV2(new ListObjectsV2Request(BUCKET).withPrefix("ch")
                .withMaxKeys(3).withContinuationToken(v2.getNextContinuationToken()));
        assertThat(v2next.getObjectSummaries()).extracting(s -> s.getKey()).containsExactly("ch2/1.ts");
        assertThat(v2next.isTruncated()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void createListAclCorsAndDeleteBuckets(OssClients variant) throws Exception {
        OSS client = start(variant);
        CreateBucketRequest create = new CreateBucketRequest("otherbucket");
        create.setCannedACL(CannedAccessControlList.PublicRead);
        client.createBucket(create);
        assertThat(client.listBuckets()).extracting(Bucket::getName).containsExactly("examplebucket", "otherbucket");
        assertThat(client.getBucketAcl("otherbucket").getCannedACL()).isEqualTo(CannedAccessControlList.PublicRead);
        client.setBucketAcl("otherbucket", CannedAccessControlList.Private);
        assertThat(client.getBucketAcl("otherbucket").getCannedACL()).isEqualTo(CannedAccessControlList.Private);

        assertThatThrownBy(() -> client.getBucketCORSRules("otherbucket")).isInstanceOfSatisfying(
                OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("NoSuchCORSConfiguration"));
        SetBucketCORSRequest cors = new SetBucketCORSRequest("otherbucket");
        SetBucketCORSRequest.CORSRule rule = new SetBucketCORSRequest.CORSRule();
        rule.addAllowdOrigin("https://*.example.com");
        rule.addAllowedMethod("GET");
        rule.addAllowedHeader("range");
        rule.addExposeHeader("x-oss-request-id");
        rule.setMaxAgeSeconds(600);
        cors.addCorsRule(rule);
        client.setBucketCORS(cors);
        List<SetBucketCORSRequest.CORSRule> rules = client.getBucketCORSRules("otherbucket");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).getAllowedOrigins()).containsExactly("https://*.example.com");
        assertThat(rules.get(0).getMaxAgeSeconds()).isEqualTo(600);
        client.deleteBucketCORSRules("otherbucket");
        assertThatThrownBy(() -> client.getBucketCORSRules("otherbucket")).isInstanceOf(OSSException.class);

        client.putObject("otherbucket", "x", new ByteArrayInputStream(new byte[] {1}));
        assertThatThrownBy(() -> client.deleteBucket("otherbucket")).isInstanceOfSatisfying(
                OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("BucketNotEmpty"));
        client.deleteObject("otherbucket", "x");
        client.deleteBucket("otherbucket");
        assertThat(client.doesBucketExist("otherbucket")).isFalse();
        assertThat(client.listBuckets()).extracting(Bucket::getName).containsExactly("examplebucket");
        assertThatThrownBy(() -> client.createBucket("Bad_Name")).isInstanceOf(Exception.class);
    }

    private static String read(OSSObject object) throws Exception {
        try (InputStream in = object.getObjectContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
