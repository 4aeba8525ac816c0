package io.livechannel.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An {@link HlsOutput} that keeps everything it is given, in order, as a storage implementation would see it. */
final class RecordingOutput implements HlsOutput {
    record Segment(SegmentInfo info, byte[] data) {
    }

    record Playlist(String objectKey, String text, PlaylistState counters) {
    }

    record Drop(DropReason reason, String detail) {
    }

    record Keyframe(long dtsMillis, byte[] annexB) {
    }

    final List<Segment> segments = new ArrayList<>();
    final List<Playlist> playlists = new ArrayList<>();
    final List<Drop> drops = new ArrayList<>();
    final List<Keyframe> keyframes = new ArrayList<>();
    /** "segment" / "playlist" in call order. */
    final List<String> calls = new ArrayList<>();

    /** Indexes (0-based, in call order) of the {@code segmentReady} calls to refuse, as a full backlog would. */
    final java.util.Set<Integer> refuseCalls = new java.util.HashSet<>();
    final List<SegmentInfo> refused = new ArrayList<>();
    private int segmentCalls;

    @Override
    public boolean segmentReady(SegmentInfo segment, ByteBuf tsData) {
        try {
            if (refuseCalls.contains(segmentCalls++)) {
                refused.add(segment);
                calls.add("refused");
                return false;
            }
            segments.add(new Segment(segment, ByteBufUtil.getBytes(tsData)));
            calls.add("segment");
            return true;
        } finally {
            tsData.release();
        }
    }

    @Override
    public void playlistReady(String objectKey, String m3u8Text, PlaylistState countersToPersist) {
        playlists.add(new Playlist(objectKey, m3u8Text, countersToPersist));
        calls.add("playlist");
    }

    @Override
    public void keyframePackaged(long dtsMillis, io.livechannel.ts.PesPayload accessUnit) {
        ByteBuf copy = io.netty.buffer.Unpooled.buffer(accessUnit.length());
        accessUnit.copyTo(copy);
        keyframes.add(new Keyframe(dtsMillis, ByteBufUtil.getBytes(copy)));
    }

    @Override
    public void unitDropped(DropReason reason, String detail) {
        drops.add(new Drop(reason, detail));
    }

    List<SegmentInfo> infos() {
        return segments.stream().map(Segment::info).toList();
    }

    Playlist lastPlaylist() {
        return playlists.get(playlists.size() - 1);
    }

    /** Writes every segment under its file name and the last playlist into {@code dir}. */
    Path writeTo(Path dir, String playlistName) throws IOException {
        for (Segment segment : segments) {
            String key = segment.info().objectKey();
            Files.write(dir.resolve(key.substring(key.indexOf('/') + 1)), segment.data());
        }
        Path playlist = dir.resolve(playlistName);
        Files.writeString(playlist, lastPlaylist().text());
        return playlist;
    }

    /** All segments back to back, as one continuous transport stream. */
    byte[] concatenated() {
        int size = segments.stream().mapToInt(s -> s.data().length).sum();
        byte[] all = new byte[size];
        int p = 0;
        for (Segment segment : segments) {
            System.arraycopy(segment.data(), 0, all, p, segment.data().length);
            p += segment.data().length;
        }
        return all;
    }
}
