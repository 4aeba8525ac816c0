package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.SegmentIndex;
import io.livechannel.storage.catalog.SegmentRecord;

import java.util.List;
import java.util.Optional;

/**
 * The per-segment index behind VoD playlists. Each segment is a row of {@code segment} (the source of truth, one
 * per object key) carrying its {@link PackedSegment} value; {@code segment_block} holds, per channel and per
 * {@value #BLOCK_MILLIS} ms of start time, the concatenation of those values in (start time, sequence) order, and
 * is rebuilt from {@code segment} in the same transaction as every change (migration V4). A range query reads the
 * blocks that overlap the range, so a day is 1,440 rows of one column rather than 86,400 rows of six (each column
 * read is a JNI call in sqlite-jdbc); the records at both ends are then trimmed to the range in Java.
 * A day of 1-second segments is measured in {@code bench} ({@code SegmentRangeBenchmark}, numbers in
 * {@code docs/benchmarks.md}).
 *
 * <p>Costs: adding a segment that is its block's last (a live channel's next segment) appends its value to the
 * block; any other change rebuilds the block from {@code segment} (at most a minute of segments; 60 one-second
 * segments are about 2 KB). Limits: a block must fit in one SQLite value ({@code SQLITE_MAX_LENGTH}, 10^9 bytes by default),
 * far above a minute of segments.
 *
 * <p>Dialects: the block rebuild and the append differ ({@link SqlDialect#rebuildBlock()},
 * {@link SqlDialect#appendToBlock()}); every other statement is shared.
 */
final class JdbcSegmentIndex implements SegmentIndex {
    /** Width of a {@code segment_block} in start time; V4.sql uses the same number. */
    static final long BLOCK_MILLIS = 60_000;
    private static final long FIRST_BLOCK = Math.floorDiv(Long.MIN_VALUE, BLOCK_MILLIS);
    private static final long LAST_BLOCK = Math.floorDiv(Long.MAX_VALUE, BLOCK_MILLIS);
    /** The blocks overlapping a range, in order. */
    static final String RANGE_QUERY = "SELECT packed FROM segment_block WHERE bucket = ? AND channel = ? "
            + "AND block >= ? AND block <= ? ORDER BY block";
    private final Database db;
    private final String rebuildBlock;
    private final String appendToBlock;

    JdbcSegmentIndex(Database db, SqlDialect dialect) {
        this.db = db;
        this.rebuildBlock = dialect.rebuildBlock();
        this.appendToBlock = dialect.appendToBlock();
    }

    @Override
    public void add(SegmentRecord r) {
        byte[] packed = PackedSegment.encode(r);
        db.inTransaction("index segment", () -> {
            Optional<Placement> replaced = placement(r.bucket(), r.objectKey());
            Placement placed = new Placement(r.bucket(), r.channel(), block(r.startTimeMillis()));
            // before the insert, so that the check for later segments needs no key (the covering index answers it)
            boolean appended = replaced.isEmpty() && appended(placed, r, packed);
            db.update("index segment", "INSERT INTO segment (bucket, object_key, channel, start_millis, "
                    + "duration_micros, sequence, discontinuity, size_bytes, packed) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (bucket, object_key) DO UPDATE SET channel = excluded.channel, "
                    + "start_millis = excluded.start_millis, duration_micros = excluded.duration_micros, "
                    + "sequence = excluded.sequence, discontinuity = excluded.discontinuity, "
                    + "size_bytes = excluded.size_bytes, packed = excluded.packed", s -> {
                        s.setString(1, r.bucket());
                        s.setString(2, r.objectKey());
                        s.setString(3, r.channel());
                        s.setLong(4, r.startTimeMillis());
                        s.setLong(5, r.durationMicros());
                        s.setLong(6, r.sequence());
                        s.setBoolean(7, r.discontinuity());
                        s.setLong(8, r.sizeBytes());
                        s.setBytes(9, packed);
                    });
            if (!appended) {
                rebuild(placed);
            }
            replaced.filter(old -> !old.equals(placed)).ifPresent(this::rebuild);
            return null;
        });
    }

    @Override
    public List<SegmentRecord> range(String bucket, String channel, long fromMillis, long toMillis) {
        if (fromMillis > toMillis) {
            return List.of();
        }
        List<byte[]> packed = db.queryList("query segments", RANGE_QUERY, s -> {
            s.setString(1, bucket);
            s.setString(2, channel);
            s.setLong(3, block(fromMillis));
            s.setLong(4, block(toMillis));
        }, row -> row.getBytes(1));
        return PackedSegment.decode(packed, bucket, channel, fromMillis, toMillis);
    }

    @Override
    public boolean remove(String bucket, String objectKey) {
        return db.inTransaction("remove segment", () -> {
            Optional<Placement> removed = placement(bucket, objectKey);
            if (removed.isEmpty()) {
                return false;
            }
            db.update("remove segment", "DELETE FROM segment WHERE bucket = ? AND object_key = ?", s -> {
                s.setString(1, bucket);
                s.setString(2, objectKey);
            });
            rebuild(removed.get());
            return true;
        });
    }

    /** The block holding segments that start at {@code startMillis}: floor(start / {@link #BLOCK_MILLIS}). */
    static long block(long startMillis) {
        return Math.floorDiv(startMillis, BLOCK_MILLIS);
    }

    /** Where an indexed object's segment sits, to rebuild that block when the segment changes. */
    private record Placement(String bucket, String channel, long block) {
        /** First start time in the block (the first block is cut at {@code Long.MIN_VALUE}). */
        long fromMillis() {
            return block == FIRST_BLOCK ? Long.MIN_VALUE : block * BLOCK_MILLIS;
        }

        /** Last start time in the block, inclusive (the last block is cut at {@code Long.MAX_VALUE}). */
        long toMillis() {
            return block == LAST_BLOCK ? Long.MAX_VALUE : block * BLOCK_MILLIS + (BLOCK_MILLIS - 1);
        }
    }

    private Optional<Placement> placement(String bucket, String objectKey) {
        return db.queryOne("find segment", "SELECT channel, start_millis FROM segment "
                + "WHERE bucket = ? AND object_key = ?", s -> {
                    s.setString(1, bucket);
                    s.setString(2, objectKey);
                }, row -> new Placement(bucket, row.getString(1), block(row.getLong(2))));
    }

    /**
     * The common case of a live channel, a new segment later than every other of its block, without reading the
     * block's segments again: its packed value is appended to the block. Measured in {@code CatalogWriteBenchmark}
     * (docs/benchmarks.md, session 9). Called before {@code r} is inserted; false when it will not be the block's
     * last or the block is new, and the caller then rebuilds the block.
     */
    private boolean appended(Placement block, SegmentRecord r, byte[] packed) {
        return db.update("append to segment block", appendToBlock, s -> {
            s.setString(1, block.bucket());
            s.setString(2, block.channel());
            s.setLong(3, block.block());
            s.setBytes(4, packed);
            s.setLong(5, r.startTimeMillis());
            s.setLong(6, r.sequence());
            s.setLong(7, block.toMillis());
        }) == 1;
    }

    /** Recomputes one block from {@code segment} (one statement when it has segments); an emptied block is deleted. */
    private void rebuild(Placement block) {
        int written = db.update("rebuild segment block", rebuildBlock, s -> {
            s.setString(1, block.bucket());
            s.setString(2, block.channel());
            s.setLong(3, block.block());
            s.setLong(4, block.fromMillis());
            s.setLong(5, block.toMillis());
        });
        if (written == 0) {
            db.update("drop empty segment block", "DELETE FROM segment_block "
                    + "WHERE bucket = ? AND channel = ? AND block = ?", s -> {
                        s.setString(1, block.bucket());
                        s.setString(2, block.channel());
                        s.setLong(3, block.block());
                    });
        }
    }
}
