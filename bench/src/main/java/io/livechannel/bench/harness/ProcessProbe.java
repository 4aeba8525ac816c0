package io.livechannel.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a process tree's resource use from outside it (proc(5)): CPU time from {@code /proc/<pid>/stat} fields 14
 * and 15 (utime, stime, all threads), resident memory from {@code VmRSS} in {@code /proc/<pid>/status}, summed over
 * the root and its descendants (nginx's master and workers). For a JVM, the live heap via
 * {@code jcmd <pid> GC.run} then {@code GC.heap_info}. Stateless; any thread.
 */
public final class ProcessProbe {
    /** USER_HZ: the unit of utime/stime. 100 on every Linux architecture we run on ({@code getconf CLK_TCK}). */
    static final int CLOCK_TICKS_PER_SECOND = 100;
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    private ProcessProbe() {
    }

    /**
     * One reading of a process tree.
     *
     * @param cpuSeconds user + system CPU seconds of every process in the tree
     * @param rssBytes   sum of VmRSS (pages shared between nginx's processes are counted once per process)
     * @param processes  number of processes in the tree
     */
    public record Sample(double cpuSeconds, long rssBytes, int processes) {
    }

    public static Sample sample(long rootPid) throws IOException {
        long ticks = 0;
        long rssKb = 0;
        List<Long> tree = tree(rootPid);
        for (long pid : tree) {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rssKb += Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        }
        return new Sample((double) ticks / CLOCK_TICKS_PER_SECOND, rssKb * 1024, tree.size());
    }

    /** One thread's CPU seconds so far, and its name group ({@link #threadCpu}). */
    public record ThreadTimes(String group, double user, double system) {
    }

    /**
     * CPU seconds (user, system) of every thread of every process in the tree, by thread id, from
     * {@code /proc/<pid>/task/<tid>/stat}; digits are dropped from names to make the group, so a pool's threads add
     * up ({@code multiThreadIoEventLoopGroup-3-1} and {@code -3-2} become one group).
     */
    public static java.util.Map<Long, ThreadTimes> threadCpu(long rootPid) throws IOException {
        java.util.Map<Long, ThreadTimes> threads = new java.util.HashMap<>();
        for (long pid : tree(rootPid)) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
                    } catch (IOException gone) {
                        continue;
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    threads.put(Long.parseLong(task.getFileName().toString()), new ThreadTimes(name,
                            Double.parseDouble(f[11]) / CLOCK_TICKS_PER_SECOND,
                            Double.parseDouble(f[12]) / CLOCK_TICKS_PER_SECOND));
                }
            }
        }
        return threads;
    }

    /**
     * CPU seconds (user, system) per thread-name group between two {@link #threadCpu} readings, largest first: for
     * each thread alive at {@code after}, what it used since {@code before}, or since it started if it started in
     * between. A thread that ended in between is missing (its time is in the process's total, not in a group): a
     * pool that lets idle threads go (the store's direct-write threads) would otherwise have a whole past life
     * subtracted from the group.
     */
    public static java.util.List<java.util.Map.Entry<String, double[]>> groupDelta(
            java.util.Map<Long, ThreadTimes> before, java.util.Map<Long, ThreadTimes> after) {
        java.util.Map<String, double[]> groups = new java.util.TreeMap<>();
        after.forEach((tid, a) -> {
            ThreadTimes b = before.get(tid);
            boolean same = b != null && b.group().equals(a.group()); // a reused thread id is another thread
            double[] g = groups.computeIfAbsent(a.group(), k -> new double[2]);
            g[0] += a.user() - (same ? b.user() : 0);
            g[1] += a.system() - (same ? b.system() : 0);
        });
        java.util.List<java.util.Map.Entry<String, double[]>> d = new java.util.ArrayList<>(groups.entrySet());
        d.sort((x, y) -> Double.compare(y.getValue()[0] + y.getValue()[1], x.getValue()[0] + x.getValue()[1]));
        return d;
    }

    /** The root and all its descendants (ppid is field 4 of stat). */
    static List<Long> tree(long root) throws IOException {
        List<long[]> pairs = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : dir) {
                try {
                    String stat = Files.readString(p.resolve("stat"), StandardCharsets.US_ASCII);
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    pairs.add(new long[] {Long.parseLong(p.getFileName().toString()), Long.parseLong(f[1])});
                } catch (IOException gone) {
                    // the process exited between listing and reading: not part of the tree any more
                }
            }
        }
        List<Long> tree = new ArrayList<>(List.of(root));
        for (int i = 0; i < tree.size(); i++) {
            long parent = tree.get(i);
            for (long[] p : pairs) {
                if (p[1] == parent) {
                    tree.add(p[0]);
                }
            }
        }
        return tree;
    }

    /** Forces a full GC in the target JVM and returns the heap in use after it, in bytes. */
    public static long liveHeapBytes(long pid) throws IOException, InterruptedException {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IOException("cannot read heap use from jcmd GC.heap_info: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
