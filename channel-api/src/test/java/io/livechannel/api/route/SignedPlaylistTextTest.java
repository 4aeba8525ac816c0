package io.livechannel.api.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.api.auth.PresignedUrlSigner;
import io.livechannel.api.auth.SignatureV1;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.AccessKey;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The playlist rewrite of {@code x-oss-process=hls/sign}: which URIs become which signed URLs, and the limits. */
class SignedPlaylistTextTest {
    static final AccessKey KEY = new AccessKey("LTAIexampleAK", "exampleSecretKey123");
    static final long EXPIRES = 1_796_652_322L;
    static final PresignedUrlSigner SIGNER = PresignedUrlSigner.v1(KEY, EXPIRES, null);
    static final SignedPlaylistText.Location PATH_STYLE =
            new SignedPlaylistText.Location("live", "/live", "cam1/playlist.m3u8", "127.0.0.1:8080");
    static final SignedPlaylistText.Location VIRTUAL_HOSTED =
            new SignedPlaylistText.Location("live", "", "cam1/playlist.m3u8", "live.example.com");

    /** The V1 presigned query of {@code /live/<key>} (wire spec §4.1: Expires as the date, sub-resources signed). */
    static String signedQuery(String key, boolean hlsSign) {
        String resource = "/live/" + key + (hlsSign ? "?x-oss-process=hls/sign" : "");
        String signature = SignatureV1.sign(KEY.secret(), "GET\n\n\n" + EXPIRES + "\n" + resource);
        return "OSSAccessKeyId=" + KEY.id() + "&Expires=" + EXPIRES + "&Signature="
                + URLEncoder.encode(signature, StandardCharsets.UTF_8) + (hlsSign ? "&x-oss-process=hls%2Fsign" : "");
    }

    @Test
    void mediaPlaylistUrisResolveAgainstThePlaylistAndAreSignedForTheirOwnObject() throws OssException {
        String text = "#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXT-X-MAP:URI=\"init.mp4\"\r\n#EXTINF:6.000,\r\n"
                + "1700000000000.ts\r\n#EXTINF:6.000,\r\n../cam1/sub%20dir/2.ts\r\n#EXTINF:6.000,\r\n/live/other/3.ts\r\n"
                + "#EXT-X-ENDLIST\r\n";

        String signed = SignedPlaylistText.rewrite(text, PATH_STYLE, SIGNER);

        assertThat(signed).isEqualTo("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MAP:URI=\"/live/cam1/init.mp4?"
                + signedQuery("cam1/init.mp4", false) + "\"\n#EXTINF:6.000,\n/live/cam1/1700000000000.ts?"
                + signedQuery("cam1/1700000000000.ts", false) + "\n#EXTINF:6.000,\n/live/cam1/sub%20dir/2.ts?"
                + signedQuery("cam1/sub dir/2.ts", false) + "\n#EXTINF:6.000,\n/live/other/3.ts?"
                + signedQuery("other/3.ts", false) + "\n#EXT-X-ENDLIST\n");
    }

    @Test
    void virtualHostedPlaylistsGetPathsWithoutTheBucket() throws OssException {
        String signed = SignedPlaylistText.rewrite("#EXTM3U\n#EXTINF:2.000,\n1.ts\n", VIRTUAL_HOSTED, SIGNER);

        assertThat(signed).isEqualTo("#EXTM3U\n#EXTINF:2.000,\n/cam1/1.ts?" + signedQuery("cam1/1.ts", false) + "\n");
    }

    @Test
    void urisOfOtherHostsBucketsOrSchemesAndLinesThatAreNoUrisStayAsTheyAre() throws OssException {
        String text = "#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://key-server/1\"\n#EXTINF:2.000,\n"
                + "http://cdn.example.com/live/cam1/1.ts\n#EXTINF:2.000,\n/other-bucket/cam1/2.ts\n#EXTINF:2.000,\n"
                + "not a uri {}\n#EXTINF:2.000,\nhttp://127.0.0.1:8080/live/cam1/4.ts\n";

        String signed = SignedPlaylistText.rewrite(text, PATH_STYLE, SIGNER);

        assertThat(signed).isEqualTo("#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://key-server/1\"\n"
                + "#EXTINF:2.000,\nhttp://cdn.example.com/live/cam1/1.ts\n#EXTINF:2.000,\n/other-bucket/cam1/2.ts\n"
                + "#EXTINF:2.000,\nnot a uri {}\n#EXTINF:2.000,\n/live/cam1/4.ts?" + signedQuery("cam1/4.ts", false)
                + "\n");
    }

    @Test
    void playlistUrisOfAMasterGetHlsSignSignedIn() throws OssException {
        String text = "#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",URI=\"audio/en.m3u8\"\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO=\"a\"\nhigh/playlist.m3u8\n";

        String signed = SignedPlaylistText.rewrite(text, PATH_STYLE, SIGNER);

        assertThat(signed).isEqualTo("#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",URI=\""
                + "/live/cam1/audio/en.m3u8?" + signedQuery("cam1/audio/en.m3u8", true) + "\"\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO=\"a\"\n/live/cam1/high/playlist.m3u8?"
                + signedQuery("cam1/high/playlist.m3u8", true) + "\n");
    }

    @Test
    void refusalsCarryTheReferenceErrorCodes() {
        StringBuilder tooManySegments = new StringBuilder("#EXTM3U\n");
        for (int i = 0; i <= SignedPlaylistText.MAX_SEGMENTS; i++) {
            tooManySegments.append("#EXTINF:1.000,\n").append(i).append(".ts\n");
        }
        StringBuilder tooManyChildren = new StringBuilder("#EXTM3U\n");
        for (int i = 0; i <= SignedPlaylistText.MAX_CHILD_PLAYLISTS; i++) {
            tooManyChildren.append("#EXT-X-STREAM-INF:BANDWIDTH=1\n").append(i).append(".m3u8\n");
        }

        assertEc(tooManySegments.toString(), "0044-00000406");
        assertEc(tooManyChildren.toString(), "0044-00000407");
        assertEc("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttp://cdn.example.com/a.m3u8\n", "0044-00000408");
        assertEc("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n#EXTINF:1.000,\n1.ts\n", "0044-00000409");
        assertThatThrownBy(() -> SignedPlaylistText.rewrite("GIF89a", PATH_STYLE, SIGNER))
                .isInstanceOfSatisfying(OssException.class, e -> assertThat(e.getMessage()).contains("#EXTM3U"));
    }

    @Test
    void theLimitsThemselvesAreAccepted() throws OssException {
        StringBuilder segments = new StringBuilder("#EXTM3U\n");
        for (int i = 0; i < SignedPlaylistText.MAX_SEGMENTS; i++) {
            segments.append("#EXTINF:1.000,\n").append(i).append(".ts\n");
        }

        assertThat(SignedPlaylistText.rewrite(segments.toString(), PATH_STYLE, SIGNER))
                .contains("/live/cam1/19999.ts?");
    }

    private static void assertEc(String text, String ec) {
        assertThatThrownBy(() -> SignedPlaylistText.rewrite(text, PATH_STYLE, SIGNER))
                .isInstanceOfSatisfying(OssException.class, e -> assertThat(e.details().extra()).containsEntry("EC", ec));
    }
}
