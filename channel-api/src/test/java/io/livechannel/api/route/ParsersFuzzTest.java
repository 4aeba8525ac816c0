package io.livechannel.api.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.api.OssRequest;
import io.livechannel.api.QueryParameters;
import io.livechannel.api.RequestTarget;
import io.livechannel.api.auth.Authenticator;
import io.livechannel.api.auth.PresignedUrlSigner;
import io.livechannel.api.error.OssException;
import io.livechannel.api.xml.CorsConfiguration;
import io.livechannel.api.xml.LiveChannelConfiguration;
import io.livechannel.api.xml.OssXml;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.AccessKeyCatalog;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Jazzer targets for every parser of client input (STYLE B9.5): only {@link OssException} may escape, and a
 * served range lies inside the object. Plain {@code mvn test} replays the checked-in seeds under
 * {@code ParsersFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ParsersFuzzTest {
    private static final AccessKeyCatalog KEYS = new AccessKeyCatalog() {
        @Override
        public void put(AccessKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<AccessKey> find(String id) {
            return Optional.of(new AccessKey(id, "exampleSecretKey123"));
        }
    };
    private static final Authenticator AUTH =
            new Authenticator(KEYS, Clock.fixed(Instant.parse("2026-11-21T17:26:10Z"), ZoneOffset.UTC));

    @FuzzTest
    void requestLineAndAuthorization(FuzzedDataProvider data) {
        String host = data.consumeString(80);
        String path = "/" + data.consumeString(200);
        String query = data.consumeString(300);
        String authorization = data.consumeString(300);
        String date = data.consumeString(40);
        try {
            RequestTarget target = RequestTarget.resolve(host, path, List.of("oss.lc.test"));
            QueryParameters q = QueryParameters.parse(query);
            DefaultHttpHeaders headers = new DefaultHttpHeaders(false);
            headers.add("Authorization", authorization);
            headers.add("Date", date);
            OssRequest request = new OssRequest(HttpMethod.GET, target, q, headers, new byte[0],
                    new OssRequest.RequestContext("FUZZ", "fuzz", 1));
            OperationSelector.select(request);
            AUTH.authenticate(request);
        } catch (OssException expected) {
            // the documented outcome for bad input
        }
    }

    @FuzzTest
    void liveChannelConfiguration(byte[] xml) {
        try {
            ChannelConfigParser.parse("b", "ch", OssXml.read(xml, LiveChannelConfiguration.class), Instant.EPOCH);
        } catch (OssException expected) {
            // MalformedXML or InvalidArgument
        }
    }

    @FuzzTest
    void corsConfiguration(byte[] xml) {
        try {
            OssXml.read(xml, CorsConfiguration.class);
        } catch (OssException expected) {
            // MalformedXML
        }
    }

    @FuzzTest
    void signedPlaylist(FuzzedDataProvider data) {
        try {
            SignedPlaylistText.rewrite(data.consumeRemainingAsString(),
                    new SignedPlaylistText.Location("live", "/live", "cam1/playlist.m3u8", "127.0.0.1:8080"),
                    PresignedUrlSigner.v1(new AccessKey("LTAIexampleAK", "exampleSecretKey123"), 1L, null));
        } catch (OssException expected) {
            // InvalidArgument: not a playlist, or past a limit
        }
    }

    @FuzzTest
    void rangeHeader(FuzzedDataProvider data) {
        long size = data.consumeLong(0, Long.MAX_VALUE / 2);
        RangeHeader.Result r = RangeHeader.resolve(data.consumeRemainingAsString(), size);
        if (r.kind() == RangeHeader.Kind.SATISFIABLE) {
            assertThat(r.range().first()).isBetween(0L, size - 1);
            assertThat(r.range().last()).isBetween(r.range().first(), size - 1);
        }
    }
}
