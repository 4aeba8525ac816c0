package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.it.support.RunningServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerStartupTest {
    @TempDir
    Path temp;

    @Test
    void startsOnEmbeddedDefaultsAnswersHttpAcceptsRtmpAndStopsOnSigterm() throws Exception {
        Path dataDir = temp.resolve("data");
        try (RunningServer server = RunningServer.start(dataDir)) {
            assertThat(String.join("\n", server.stdout()))
                    .contains("HTTP API", "RTMP ingest", "bucket       live (private)", "access key   LC",
                            "secret");

            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.httpEndpoint() + "/live/cam1/playlist.m3u8")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.headers().firstValue("x-oss-request-id")).isPresent();
            assertThat(response.headers().firstValue("content-type")).hasValue("application/xml");
            assertThat(response.body()).contains("<Error>", "<Code>AccessDenied</Code>", "<RequestId>");

            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.rtmpPort()), 2000);
                assertThat(socket.isConnected()).isTrue();
            }
            Path keyFile = dataDir.resolve("access-key.properties");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");

            int exit = server.stop();
            assertThat(exit).isIn(0, 143);
            assertThat(server.stderr()).anyMatch(line -> line.contains("stopped"));
        }
    }

    @Test
    void secondStartReusesTheKeyAndDoesNotPrintTheSecretAgain() throws IOException, InterruptedException {
        Path dataDir = temp.resolve("data");
        String keyLine;
        try (RunningServer first = RunningServer.start(dataDir)) {
            keyLine = first.stdout().stream().filter(l -> l.contains("access key")).findFirst().orElseThrow();
        }
        try (RunningServer second = RunningServer.start(dataDir)) {
            assertThat(second.stdout()).contains(keyLine);
            assertThat(second.stdout()).noneMatch(l -> l.contains("secret "));
        }
    }
}
