package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.api.error.OssException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bucket/key resolution of wire spec §2.5 for the Host/path shapes the four SDKs send (§2.1-§2.4). */
class RequestTargetTest {
    static final List<String> DOMAINS = List.of("oss.lc.test", "live.example.org");

    @Test
    void ipHostIsPathStyleWithBucketFromFirstSegment() throws Exception {
        RequestTarget t = RequestTarget.resolve("127.0.0.1:8080", "/examplebucket/ch1/playlist.m3u8", DOMAINS);
        assertThat(t.style()).isEqualTo(AddressingStyle.PATH);
        assertThat(t.bucket()).isEqualTo("examplebucket");
        assertThat(t.key()).isEqualTo("ch1/playlist.m3u8");
        assertThat(t.hostName()).isEqualTo("127.0.0.1");
        assertThat(t.hostPort()).isEqualTo(8080);
    }

    @Test
    void encodedSlashFromOss2AndGoStaysInsideTheKey() throws Exception {
        RequestTarget t = RequestTarget.resolve("localhost:1", "/examplebucket/ch1%2Ftest.ts", DOMAINS);
        assertThat(t.bucket()).isEqualTo("examplebucket");
        assertThat(t.key()).isEqualTo("ch1/test.ts");
    }

    @Test
    void javaKeyEncodingDecodesToTheOriginalKey() throws Exception {
        RequestTarget t = RequestTarget.resolve("127.0.0.1:1",
                "/examplebucket/dir/a%20b%2Bc%7E%2A%27%28%C3%A9%29.ts", DOMAINS);
        assertThat(t.key()).isEqualTo("dir/a b+c~*'(é).ts");
    }

    @Test
    void ownDomainIsPathStyleAndBucketLevelHasEmptyKey() throws Exception {
        RequestTarget t = RequestTarget.resolve("LIVE.example.org", "/examplebucket/", DOMAINS);
        assertThat(t.style()).isEqualTo(AddressingStyle.PATH);
        assertThat(t.isBucketLevel()).isTrue();
        assertThat(RequestTarget.resolve("oss.lc.test:9000", "/", DOMAINS).isService()).isTrue();
    }

    @Test
    void subdomainOfOwnDomainIsVirtualHosted() throws Exception {
        RequestTarget t = RequestTarget.resolve("examplebucket.oss.lc.test:9000", "/ch1/playlist.m3u8", DOMAINS);
        assertThat(t.style()).isEqualTo(AddressingStyle.VIRTUAL_HOSTED);
        assertThat(t.bucket()).isEqualTo("examplebucket");
        assertThat(t.key()).isEqualTo("ch1/playlist.m3u8");
        assertThat(t.isBucketLevel()).isFalse();
    }

    @Test
    void foreignDomainTakesBucketFromFirstLabelAsAliOssSendsIt() throws Exception {
        RequestTarget t = RequestTarget.resolve("examplebucket.oss-cn-hangzhou.aliyuncs.com", "/ch1", DOMAINS);
        assertThat(t.style()).isEqualTo(AddressingStyle.VIRTUAL_HOSTED);
        assertThat(t.bucket()).isEqualTo("examplebucket");
        assertThat(t.key()).isEqualTo("ch1");
    }

    @Test
    void ipv6LiteralIsPathStyle() throws Exception {
        RequestTarget t = RequestTarget.resolve("[::1]:8080", "/b/k", DOMAINS);
        assertThat(t.style()).isEqualTo(AddressingStyle.PATH);
        assertThat(t.hostName()).isEqualTo("[::1]");
        assertThat(t.hostPort()).isEqualTo(8080);
        assertThat(t.bucket()).isEqualTo("b");
    }

    @Test
    void malformedPercentEncodingOrPortIsInvalidArgument() {
        assertThatThrownBy(() -> RequestTarget.resolve("127.0.0.1", "/b/%zz", DOMAINS))
                .isInstanceOfSatisfying(OssException.class, e -> assertThat(e.code().code()).isEqualTo("InvalidArgument"));
        assertThatThrownBy(() -> RequestTarget.resolve("127.0.0.1:99999", "/b/k", DOMAINS))
                .isInstanceOfSatisfying(OssException.class, e -> assertThat(e.code().code()).isEqualTo("InvalidArgument"));
        assertThatThrownBy(() -> RequestTarget.resolve("127.0.0.1", "b/k", DOMAINS))
                .isInstanceOf(OssException.class);
    }
}
