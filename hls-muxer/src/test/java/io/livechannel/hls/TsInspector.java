package io.livechannel.hls;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back transport stream bytes (ISO/IEC 13818-1 §2.4.3) to check what players check: sync bytes, continuity
 * counters, PAT/PMT contents, PCR spacing and PES timestamps. Test-only; independent of the writer's code.
 */
final class TsInspector {
    record Pes(int pid, long pts, long dts, boolean randomAccess, int packetIndex) {
    }

    final List<Integer> pids = new ArrayList<>();
    final List<long[]> pcrs = new ArrayList<>(); // {packetIndex, pcrBase}
    final List<Pes> pes = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final Map<Integer, Integer> pmtStreams = new HashMap<>(); // elementary PID -> stream_type
    /** Elementary stream bytes of every PES (PES header removed), per PID, in order. */
    final Map<Integer, List<java.io.ByteArrayOutputStream>> payloads = new HashMap<>();
    int pcrPid = -1;
    private final Map<Integer, Integer> lastCc = new HashMap<>();
    private int packetIndex;

    /** Inspects the packets of one segment, continuing counters from earlier calls. */
    TsInspector inspect(byte[] ts) {
        if (ts.length % 188 != 0) {
            errors.add("length " + ts.length + " not a multiple of 188");
        }
        for (int p = 0; p + 188 <= ts.length; p += 188, packetIndex++) {
            packet(ts, p);
        }
        return this;
    }

    private void packet(byte[] ts, int p) {
        if (ts[p] != 0x47) {
            errors.add("packet " + packetIndex + ": sync byte " + ts[p]);
            return;
        }
        boolean unitStart = (ts[p + 1] & 0x40) != 0;
        int pid = (ts[p + 1] & 0x1F) << 8 | ts[p + 2] & 0xFF;
        int control = (ts[p + 3] >> 4) & 3;
        int cc = ts[p + 3] & 0x0F;
        pids.add(pid);
        boolean hasPayload = (control & 1) != 0;
        Integer previous = lastCc.get(pid);
        int expected = previous == null ? cc : hasPayload ? (previous + 1) & 0x0F : previous;
        if (cc != expected) {
            errors.add("packet " + packetIndex + " pid " + pid + ": continuity counter " + cc + ", expected " + expected);
        }
        lastCc.put(pid, cc);
        int payloadStart = p + 4;
        boolean randomAccess = false;
        if ((control & 2) != 0) {
            int length = ts[p + 4] & 0xFF;
            if (length > 0) {
                int flags = ts[p + 5] & 0xFF;
                randomAccess = (flags & 0x40) != 0;
                if ((flags & 0x10) != 0) {
                    long base = (ts[p + 6] & 0xFFL) << 25 | (ts[p + 7] & 0xFFL) << 17 | (ts[p + 8] & 0xFFL) << 9
                            | (ts[p + 9] & 0xFFL) << 1 | (ts[p + 10] & 0x80) >> 7;
                    pcrs.add(new long[] {packetIndex, base, pid});
                }
            }
            payloadStart += 1 + length;
        }
        if (hasPayload && pid != 0 && pid != 0x1000) {
            collectPayload(ts, p, payloadStart, pid, unitStart);
        }
        if (!hasPayload || !unitStart) {
            return;
        }
        if (pid == 0) {
            return;
        }
        if (pid == 0x1000) {
            readPmt(ts, payloadStart + 1 + (ts[payloadStart] & 0xFF));
            return;
        }
        readPesHeader(ts, payloadStart, pid, randomAccess);
    }

    private void collectPayload(byte[] ts, int p, int payloadStart, int pid, boolean unitStart) {
        List<java.io.ByteArrayOutputStream> list = payloads.computeIfAbsent(pid, k -> new ArrayList<>());
        int from = payloadStart;
        if (unitStart) {
            list.add(new java.io.ByteArrayOutputStream());
            from = payloadStart + 9 + (ts[payloadStart + 8] & 0xFF);
        }
        if (!list.isEmpty()) {
            list.get(list.size() - 1).write(ts, from, p + 188 - from);
        }
    }

    /** The elementary stream bytes of the {@code index}-th PES on {@code pid}. */
    byte[] payload(int pid, int index) {
        return payloads.get(pid).get(index).toByteArray();
    }

    private void readPmt(byte[] ts, int s) {
        pmtStreams.clear();
        int sectionLength = (ts[s + 1] & 0x0F) << 8 | ts[s + 2] & 0xFF;
        pcrPid = (ts[s + 8] & 0x1F) << 8 | ts[s + 9] & 0xFF;
        int infoLength = (ts[s + 10] & 0x0F) << 8 | ts[s + 11] & 0xFF;
        int q = s + 12 + infoLength;
        int end = s + 3 + sectionLength - 4;
        while (q < end) {
            int type = ts[q] & 0xFF;
            int pid = (ts[q + 1] & 0x1F) << 8 | ts[q + 2] & 0xFF;
            pmtStreams.put(pid, type);
            q += 5 + ((ts[q + 3] & 0x0F) << 8 | ts[q + 4] & 0xFF);
        }
    }

    private void readPesHeader(byte[] ts, int s, int pid, boolean randomAccess) {
        if (ts[s] != 0 || ts[s + 1] != 0 || ts[s + 2] != 1) {
            errors.add("packet " + packetIndex + ": no PES start code");
            return;
        }
        int flags = ts[s + 7] & 0xC0;
        long pts = timestamp(ts, s + 9);
        long dts = flags == 0xC0 ? timestamp(ts, s + 14) : pts;
        pes.add(new Pes(pid, pts, dts, randomAccess, packetIndex));
    }

    private static long timestamp(byte[] b, int i) {
        return ((b[i] & 0x0EL) << 29) | ((b[i + 1] & 0xFFL) << 22) | ((b[i + 2] & 0xFEL) << 14)
                | ((b[i + 3] & 0xFFL) << 7) | ((b[i + 4] & 0xFEL) >> 1);
    }

    List<Pes> pesOf(int pid) {
        return pes.stream().filter(p -> p.pid() == pid).toList();
    }
}
