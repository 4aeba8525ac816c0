package io.livechannel.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code ffprobe} (from the PATH or the FFmpeg image's container: {@link FfmpegHost}) with JSON output: what a player would see in a file or an HLS URL
 * (codecs, picture size, sample rate, duration, and per-packet timestamps).
 */
public final class Ffprobe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Ffprobe() {
    }

    /**
     * One elementary stream as ffprobe reports it; width/height are 0 for audio, sampleRate 0 for video; profile as
     * ffprobe names it ({@code High}, {@code Main}, {@code Constrained Baseline}, ...), empty when none.
     */
    public record StreamInfo(String codecType, String codecName, int width, int height, int sampleRate,
            String avgFrameRate, String profile) {
    }

    /** One packet; times in seconds, NaN when ffprobe reports none. */
    public record PacketInfo(double ptsSeconds, double dtsSeconds, double durationSeconds, boolean isKeyframe) {
    }

    /** The streams and the container duration of {@code input}. */
    public record Probe(List<StreamInfo> streams, double durationSeconds) {
        public Probe {
            streams = List.copyOf(streams);
        }

        public StreamInfo stream(String codecType) {
            return streams.stream().filter(s -> s.codecType().equals(codecType)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + codecType + " stream in " + streams));
        }
    }

    public static Probe probe(String input) throws IOException, InterruptedException {
        JsonNode root = run(List.of("ffprobe", "-v", "error", "-print_format", "json", "-show_streams",
                "-show_format", input));
        List<StreamInfo> streams = new ArrayList<>();
        for (JsonNode s : root.path("streams")) {
            streams.add(new StreamInfo(s.path("codec_type").asText(), s.path("codec_name").asText(),
                    s.path("width").asInt(0), s.path("height").asInt(0), s.path("sample_rate").asInt(0),
                    s.path("avg_frame_rate").asText(""), s.path("profile").asText("")));
        }
        return new Probe(streams, root.path("format").path("duration").asDouble(Double.NaN));
    }

    /** Every packet of the streams chosen by {@code selector} ({@code v}, {@code a}), in file order. */
    public static List<PacketInfo> packets(String input, String selector) throws IOException, InterruptedException {
        JsonNode root = run(List.of("ffprobe", "-v", "error", "-print_format", "json", "-select_streams", selector,
                "-show_entries", "packet=pts_time,dts_time,duration_time,flags", "-show_packets", input));
        List<PacketInfo> packets = new ArrayList<>();
        for (JsonNode p : root.path("packets")) {
            packets.add(new PacketInfo(p.path("pts_time").asDouble(Double.NaN),
                    p.path("dts_time").asDouble(Double.NaN), p.path("duration_time").asDouble(Double.NaN),
                    p.path("flags").asText("").contains("K")));
        }
        return packets;
    }

    private static JsonNode run(List<String> command) throws IOException, InterruptedException {
        // The JSON for a 20 s stream is a few hundred kB: a file holds it whichever path ffprobe runs on.
        Path stdout = Files.createTempFile("ffprobe", ".json");
        Path stderr = Files.createTempFile("ffprobe", ".err");
        try {
            Process process = FfmpegHost.get().start(command, stdout, stderr);
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("ffprobe hung: " + command.get(command.size() - 1));
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("ffprobe failed (exit " + process.exitValue() + ") on "
                        + command.get(command.size() - 1) + ": " + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return JSON.readTree(stdout.toFile());
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
