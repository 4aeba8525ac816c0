import io.livechannel.server.snapshot.JpegEncoder;
import io.livechannel.server.snapshot.LibavJpegEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The snapshot decoder choice, measured: one IDR (Annex B with SPS/PPS) to one JPEG, N times each way, (a) in
 * process with the server's LibavJpegEncoder (CPU of this thread) and (b) with the `ffmpeg` binary as a child
 * process per snapshot, single-threaded like the server (CPU of the children, from /proc/self/stat, 10 ms ticks).
 * Run by snapshot-decoders.sh with the server jar on the class path.
 */
public class SnapshotDecoders {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        JpegEncoder encoder = LibavJpegEncoder.load();
        for (int i = 1; i < args.length; i++) {
            byte[] idr = Files.readAllBytes(Path.of(args[i]));
            JpegEncoder.Jpeg jpeg = encoder.encode(idr);
            for (int w = 0; w < 5; w++) {
                encoder.encode(idr);
            }
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            for (int r = 0; r < runs; r++) {
                encoder.encode(idr);
            }
            System.out.printf("%s (%dx%d, %d bytes): in process %.1f ms CPU, %.1f ms wall per snapshot%n", args[i],
                    jpeg.width(), jpeg.height(), idr.length, (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / runs,
                    (System.nanoTime() - wall) / 1e6 / runs);
            child(idr);
            long ticks = childTicks();
            wall = System.nanoTime();
            for (int r = 0; r < runs; r++) {
                child(idr);
            }
            System.out.printf("%s: child ffmpeg %.1f ms CPU, %.1f ms wall per snapshot%n", args[i],
                    (childTicks() - ticks) * 10.0 / runs, (System.nanoTime() - wall) / 1e6 / runs);
        }
    }

    static byte[] child(byte[] idr) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-f", "h264", "-i",
                "pipe:0", "-frames:v", "1", "-q:v", "3", "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(idr);
        }
        byte[] jpeg = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException("ffmpeg failed");
        }
        return jpeg;
    }

    /** utime + stime of the waited-for children (fields 16 and 17 of /proc/self/stat), in clock ticks. */
    static long childTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }
}
