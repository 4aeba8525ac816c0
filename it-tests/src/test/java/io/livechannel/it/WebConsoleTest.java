package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.fasterxml.jackson.databind.JsonNode;
import io.livechannel.it.support.AccessKey;
import io.livechannel.it.support.Browser;
import io.livechannel.it.support.OssClients;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.RunningServer;
import io.livechannel.it.support.Ffmpeg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

/**
 * The web console (issue 28) the way a person uses it, in Debian's chromium: the real server jar with a private
 * bucket, a real ffmpeg publisher pushing to the URL the console signed. Every step goes through labels and buttons;
 * at the end no request the page sent carried the secret.
 */
class WebConsoleTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    /** Where the screenshots go, for a person to look at after the run. */
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots").toAbsolutePath();
    private static final Duration PUSH = Duration.ofSeconds(60);
    private static final Duration UI = Duration.ofSeconds(30);
    /** Snapshots older than the one the test shows: more than one ListObjects page (1000 keys). */
    private static final int OLDER_SNAPSHOTS = 1001;

    private static RunningServer server;
    private static Browser browser;
    private static String consoleUrl;

    @BeforeAll
    static void start() throws Exception {
        Ffmpeg.requireInstalled();
        server = RunningServer.start(run.classDir().resolve("data"), "--access-key-id", AccessKey.SERVER.id(),
                "--access-key-secret", AccessKey.SERVER.secret());
        consoleUrl = server.stdout().stream().filter(l -> l.startsWith("  console "))
                .map(l -> l.replaceAll("^\\s*console\\s+(\\S+).*$", "$1")).findFirst()
                .orElseThrow(() -> new AssertionError("no console line in the banner"));
        browser = Browser.start(run.classDir());
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPersonManagesWatchesAndReplaysAChannelInTheBrowserWithoutTheSecretEverLeavingIt() throws Exception {
        assertThat(consoleUrl).isEqualTo("http://localhost:" + server.httpPort() + "/_console/");
        createNeighbours();
        signIn();
        browser.await("the channel table", UI, d -> row("studio-b").getText().contains("Idle"));
        assertThat(row("archive").getText()).contains("Disabled");

        createChannelThroughTheForm();
        String pushUrl = pushUrlFromPushSettings();
        try (Push push = Ffmpeg.push(pushUrl, PUSH, run.testDir())) {
            browser.await("cam1 to show Live with the stream's size and rate", UI, d ->
                    row("cam1").getText().contains("Live") && row("cam1").getText().contains("640×360 · 25 fps"));
            browser.screenshot(SCREENSHOTS.resolve("channels.png"));

            browser.click(By.cssSelector("button[aria-label='Preview cam1']"));
            awaitPlayback("the live preview");
            browser.screenshot(SCREENSHOTS.resolve("preview.png"));
            closeDialog();

            deletingALiveChannelIsRefusedWithTheReason();

            browser.click(By.cssSelector("button[aria-label='Disable cam1']"));
            browser.await("cam1 to show Disabled", UI, d -> row("cam1").getText().contains("Disabled"));
            push.awaitExit(Duration.ofSeconds(20)); // fails the test if the publisher was not disconnected
            assertThat(push.sentMedia()).as("ffmpeg ended by the kick, before its %s of media", PUSH)
                    .isLessThan(PUSH.minusSeconds(10));
        }
        buildAndPlayAVodPlaylist();
        noRequestCarriedTheSecret();
    }

    /**
     * The page's signer, run in the browser, against the wire spec's vectors: V4 (§10 vectors 9 and 10, §5.2's
     * encoding example) and push URL signatures (§6.2).
     */
    @Test
    @SuppressWarnings("unchecked")
    void thePageSignsExactlyAsTheWireSpecVectorsSay() {
        browser.open(consoleUrl);
        Map<String, Object> out = (Map<String, Object>) browser.asyncScript(String.join("\n",
                "const done = arguments[arguments.length - 1];",
                "import('/_console/oss.js').then(async (m) => {",
                "  const s = await m.Signer.create('LTAIexampleAK', 'exampleSecretKey123');",
                "  const headers = {'x-oss-date': '20250417T103000Z', 'x-oss-content-sha256': 'UNSIGNED-PAYLOAD'};",
                "  const c9 = m.v4CanonicalRequest('PUT', 'examplebucket', 'test-channel', {live: ''},",
                "    {...headers, 'content-md5': 'lcRNvCJayw4Hbd9sw7pFqA=='});",
                "  const s9 = await m.v4StringToSign('20250417T103000Z', 'cn-hangzhou', c9);",
                "  const c10 = m.v4CanonicalRequest('GET', 'examplebucket', 'test-channel', {live: '', comp: 'stat'},",
                "    headers);",
                "  const s10 = await m.v4StringToSign('20250417T103000Z', 'cn-hangzhou', c10);",
                "  const push = (params, channel) => s.pushQuery('examplebucket', channel || 'test-channel',",
                "    1700000000, params).then((q) => q.Signature);",
                "  done({c9, hash9: s9.split('\\n')[3], sig9: await s.v4Signature('20250417T103000Z', 'cn-hangzhou', s9),",
                "    c10, sig10: await s.v4Signature('20250417T103000Z', 'cn-hangzhou', s10),",
                "    uri: m.v4CanonicalRequest('GET', 'examplebucket', \"dir/a b+c~*'(\u00e9).ts\", {}, {}).split('\\n')[1],",
                "    pushPlain: await push({playlistName: 'playlist.m3u8'}),",
                "    pushSts: await push({playlistName: 'playlist.m3u8', 'security-token': 'STS.exampleToken'}),",
                "    pushNone: await push({}),",
                "    pushSpecial: await push({playlistName: 'a b.m3u8'}, 'my channel+1')});",
                "}).catch((e) => done({error: String(e)}));"));
        assertThat(out).doesNotContainKey("error");
        assertThat(out.get("c9")).isEqualTo("PUT\n/examplebucket/test-channel\nlive\ncontent-md5:lcRNvCJayw4Hbd9sw7pFqA==\n"
                + "x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20250417T103000Z\n\n\nUNSIGNED-PAYLOAD");
        assertThat(out.get("hash9")).isEqualTo("4e7afeead0ea6b2b79fc2c603a87cdb48ba013927bec64d49f453cb14be1c6d8");
        assertThat(out.get("sig9")).isEqualTo("6f5a99ef5b65f15559cce734bbcd3e23dca39e343c2e8fe98e1671edfe657679");
        assertThat(out.get("c10")).isEqualTo("GET\n/examplebucket/test-channel\ncomp=stat&live\n"
                + "x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20250417T103000Z\n\n\nUNSIGNED-PAYLOAD");
        assertThat(out.get("sig10")).isEqualTo("35dddec74e8379ee34c2ffd0c7501f8de3e4fd08271cae50bd1290acc47538eb");
        assertThat(out.get("uri")).isEqualTo("/examplebucket/dir/a%20b%2Bc~%2A%27%28%C3%A9%29.ts");
        assertThat(out.get("pushPlain")).isEqualTo("58W4zhlFXFe4PpdmnQOU9B1QFBY=");
        assertThat(out.get("pushSts")).isEqualTo("AycnwRlge0o5lJtuh1d29aA+d6A=");
        assertThat(out.get("pushNone")).isEqualTo("KFIH6x6D7dYGGKNrvtFMxP1XZ1Y=");
        assertThat(out.get("pushSpecial")).isEqualTo("cn8hx1Oi/Tdpa6S4GijmQKzbUeA=");
    }

    /** Thousands of channels are read a page at a time: a prefix filter, then Next and Previous by marker. */
    @Test
    void pagesThroughManyChannelsAndFiltersThemByPrefix() {
        OSS oss = OssClients.v1(server.httpEndpoint(), AccessKey.SERVER);
        try {
            for (int i = 0; i < 30; i++) { // "zone-" sorts after the other test's channels, off their first page
                oss.createLiveChannel(new CreateLiveChannelRequest("live", String.format("zone-%02d", i)));
            }
        } finally {
            oss.shutdown();
        }
        signIn();
        browser.type(By.id("channel-filter"), "zone-");
        browser.ready(By.id("channel-filter")).sendKeys(Keys.ENTER);
        browser.await("the first page of zone- channels", UI, d -> names().size() == 25
                && names().get(0).equals("zone-00"));
        browser.click(By.xpath("//button[normalize-space()='Next']"));
        browser.await("the second page", UI, d -> names().equals(List.of("zone-25", "zone-26", "zone-27", "zone-28",
                "zone-29")));
        assertThat(browser.driver().findElement(By.cssSelector("[aria-current=page]")).getText()).isEqualTo("Page 2");
        assertThat(browser.ready(By.xpath("//button[normalize-space()='Previous']")).isEnabled()).isTrue();
        browser.click(By.xpath("//button[normalize-space()='Previous']"));
        browser.await("the first page again", UI, d -> names().size() == 25 && names().get(24).equals("zone-24"));
        browser.type(By.id("channel-filter"), "");
        browser.ready(By.id("channel-filter")).sendKeys(Keys.ENTER);
    }

    /**
     * A channel with Snapshot, set up in the form, shows the JPEGs under {@code <channel>/} of its DestBucket
     * (stored here by the test, as the snapshot feature will store them), loaded through presigned URLs.
     */
    @Test
    void theDetailsOfAChannelWithSnapshotShowItsPictures() throws Exception {
        Path jpeg = run.testDir().resolve("frame.jpg");
        Ffmpeg.run(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                "testsrc2=size=320x180", "-frames:v", "1", jpeg.toString()), run.testDir().resolve("ffmpeg-jpeg.log"),
                Duration.ofSeconds(60));
        signIn();
        browser.click(By.xpath("//button[normalize-space()='New channel']"));
        browser.type(By.id("channel-name"), "snap");
        browser.click(By.id("snapshot-on"));
        browser.type(By.id("interval"), "10");
        browser.click(By.xpath("//button[normalize-space()='Create channel']"));
        browser.await("snap in the table", UI, d -> row("snap").isDisplayed());
        OSS oss = OssClients.v1(server.httpEndpoint(), AccessKey.SERVER);
        try {
            // more than one ListObjects page of older snapshots: the newest are on the second page
            for (int i = 0; i < OLDER_SNAPSHOTS; i++) {
                oss.putObject("live", olderSnapshot(i), new java.io.ByteArrayInputStream(new byte[0]));
            }
            oss.putObject("live", "snap/20260101T000000Z.jpg", jpeg.toFile());
            oss.putObject("live", "snap/playlist.m3u8", new java.io.ByteArrayInputStream(new byte[] {'#'}));
        } finally {
            oss.shutdown();
        }
        browser.click(By.xpath("//tr[@data-channel='snap']//button[normalize-space()='snap']"));
        WebElement image = browser.await("the snapshot", UI, d -> d.findElement(
                By.cssSelector(".snapshot-grid img[alt='snap/20260101T000000Z.jpg']")));
        browser.await("the snapshot to load", UI, d -> ((Number) browser.script(
                "return arguments[0].naturalWidth;", image)).intValue() == 320);
        assertThat(browser.driver().findElement(By.id("snapshots-title")).findElement(By.xpath(".."))
                .getText()).contains("Every 10 s into bucket live.").doesNotContain("playlist.m3u8");
        List<String> shown = browser.driver().findElements(By.cssSelector(".snapshot-grid img")).stream()
                .map(img -> img.getAttribute("alt")).toList();
        assertThat(shown).as("the newest twelve, newest first").hasSize(12)
                .startsWith("snap/20260101T000000Z.jpg", olderSnapshot(OLDER_SNAPSHOTS - 1))
                .endsWith(olderSnapshot(OLDER_SNAPSHOTS - 11));
        closeDialog();
    }

    /** Snapshot keys as the feature writes them, {@code <channel>/<epochMillis>.jpg}, one second apart. */
    private static String olderSnapshot(int i) {
        return "snap/" + (1_700_000_000_000L + i * 1000L) + ".jpg";
    }

    private static List<String> names() {
        return browser.driver().findElements(By.cssSelector("tr[data-channel]")).stream()
                .map(r -> r.getAttribute("data-channel")).toList();
    }

    /** Two more channels, so the table shows each status. */
    private static void createNeighbours() {
        OSS oss = OssClients.v1(server.httpEndpoint(), AccessKey.SERVER);
        try {
            oss.createLiveChannel(new CreateLiveChannelRequest("live", "studio-b", "Studio B, second camera",
                    LiveChannelStatus.Enabled, new LiveChannelTarget("HLS", 4, 5, "playlist.m3u8")));
            oss.createLiveChannel(new CreateLiveChannelRequest("live", "archive", "Retired feed",
                    LiveChannelStatus.Disabled, new LiveChannelTarget()));
        } finally {
            oss.shutdown();
        }
    }

    /** Opens the console signed out (the tab's session forgotten), then signs in through the form. */
    private static void signIn() {
        browser.open(consoleUrl);
        browser.script("sessionStorage.clear();");
        browser.open(consoleUrl);
        browser.type(By.id("access-key-id"), AccessKey.SERVER.id());
        browser.type(By.id("access-key-secret"), AccessKey.SERVER.secret());
        browser.click(By.xpath("//button[normalize-space()='Sign in']"));
        browser.await("the channel table", UI, d -> d.findElement(By.id("channels-title")).isDisplayed());
    }

    /** New channel: a value the API refuses shows the API's own code and message; a good one creates it. */
    private static void createChannelThroughTheForm() {
        browser.click(By.xpath("//button[normalize-space()='New channel']"));
        browser.type(By.id("channel-name"), "cam1");
        browser.type(By.id("description"), "Lobby camera");
        browser.type(By.id("frag-duration"), "0");
        browser.click(By.xpath("//button[normalize-space()='Create channel']"));
        String error = browser.await("the form's error", UI, d -> {
            String text = d.findElement(By.cssSelector("dialog .form-error")).getText();
            return text.isEmpty() ? null : text;
        });
        assertThat(error).startsWith("InvalidArgument").contains("FragDuration");
        browser.type(By.id("frag-duration"), "2");
        browser.click(By.xpath("//button[normalize-space()='Create channel']"));
        browser.await("cam1 in the table", UI, d -> row("cam1").getText().contains("Idle"));
        assertThat(row("cam1").getText()).contains("Lobby camera").contains("2 s × 3");
    }

    /** Push settings: the signed URL, and OBS's two fields that make the same URL. */
    private static String pushUrlFromPushSettings() {
        browser.click(By.cssSelector("button[aria-label='Push settings of cam1']"));
        String url = browser.await("a push URL", UI, d -> value(By.id("copy-push-url")));
        String server = value(By.id("copy-obs-server"));
        String streamKey = value(By.id("copy-obs-stream-key"));
        assertThat(url).startsWith("rtmp://localhost:" + WebConsoleTest.server.httpPort() + "/live/live/cam1?Expires=")
                .contains("&OSSAccessKeyId=" + AccessKey.SERVER.id() + "&Signature=")
                .endsWith("&playlistName=playlist.m3u8")
                .isEqualTo(server + "/" + streamKey);
        assertThat(value(By.id("copy-ffmpeg-command"))).contains("-f flv \"" + url + "\"");
        closeDialog();
        // ffmpeg runs beside the server: the URL's host is the one the browser used, which resolves here too
        return url;
    }

    private static void deletingALiveChannelIsRefusedWithTheReason() {
        browser.click(By.xpath("//tr[@data-channel='cam1']//button[normalize-space()='cam1']"));
        browser.click(By.xpath("//button[normalize-space()='Delete channel']"));
        browser.driver().switchTo().alert().accept();
        String message = browser.await("the refusal", UI, d -> {
            List<WebElement> errors = d.findElements(By.cssSelector("#messages .message.error"));
            return errors.isEmpty() ? null : errors.get(errors.size() - 1).getText();
        });
        assertThat(message).contains("Deleting cam1").contains("ChannelStillLive");
        closeDialog();
        assertThat(row("cam1").isDisplayed()).isTrue();
    }

    private static void buildAndPlayAVodPlaylist() {
        browser.click(By.xpath("//tr[@data-channel='cam1']//button[normalize-space()='cam1']"));
        browser.await("the push history", UI, d ->
                d.findElement(By.xpath("//h3[@id='history-title']/following-sibling::table")).getText().contains(":"));
        browser.click(By.xpath("//button[normalize-space()='Build VoD playlist']"));
        browser.await("the VoD playlist", UI, d ->
                d.findElement(By.cssSelector(".vod-result")).getText().startsWith("Wrote cam1/vod-"));
        browser.screenshot(SCREENSHOTS.resolve("details.png"));
        browser.click(By.xpath("//button[normalize-space()='Play VoD']"));
        awaitPlayback("the VoD playlist");
        closeDialog();
        closeDialog();
    }

    /** The player's video advances: hls.js loaded the signed playlist and its segments, and the browser decodes. */
    private static void awaitPlayback(String what) {
        try {
            double first = browser.await(what + " to start playing", UI, d -> {
                double time = currentTime();
                return time > 0.5 ? time : null;
            });
            browser.await(what + " to keep playing", UI, d -> currentTime() > first + 1.0);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not play; the player says: "
                    + browser.driver().findElement(By.cssSelector(".player-status")).getText(), e);
        }
    }

    private static double currentTime() {
        return ((Number) browser.script("const v = document.getElementById('player-video');"
                + " return v ? v.currentTime : 0;")).doubleValue();
    }

    private void noRequestCarriedTheSecret() {
        List<JsonNode> requests = browser.requests();
        List<String> urls = browser.requestUrls();
        assertThat(urls).as("requests the page sent").hasSizeGreaterThan(20)
                .anyMatch(u -> u.contains("x-oss-process=hls%2Fsign"))
                .anyMatch(u -> u.contains("/live/cam1/") && u.contains(".ts?"));
        assertThat(requests).as("API requests signed with V4 in the page")
                .anyMatch(r -> r.path("headers").path("Authorization").asText().startsWith("OSS4-HMAC-SHA256 "));
        assertThat(requests).as("requests (URL, headers, body) carrying the secret")
                .noneMatch(r -> r.toString().contains(AccessKey.SERVER.secret()));
    }

    private static WebElement row(String channel) {
        return browser.driver().findElement(By.cssSelector("tr[data-channel='" + channel + "']"));
    }

    private static String value(By by) {
        String v = browser.driver().findElement(by).getAttribute("value");
        return v == null || v.isEmpty() ? null : v;
    }

    /** Escape closes the topmost dialog, as a keyboard user would. */
    private static void closeDialog() {
        List<WebElement> open = browser.driver().findElements(By.cssSelector("dialog[open]"));
        open.get(open.size() - 1).sendKeys(Keys.ESCAPE);
        browser.await("the dialog to close", UI, d -> d.findElements(By.cssSelector("dialog[open]")).size()
                == open.size() - 1);
    }
}
