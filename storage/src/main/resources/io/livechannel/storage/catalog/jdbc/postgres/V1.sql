-- Version 1 of the PostgreSQL catalog schema: the end state of SQLite's V1..V4 in one step (read those for why
-- each part is so). Differences that must be: names compared or sorted by the DML are COLLATE "C", so that they
-- order in UTF-8 byte order as SQLite's BINARY collation does, whatever the database's locale; push_record.id is an
-- identity column; BLOB is BYTEA.

CREATE TABLE bucket (
    name           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    acl            TEXT   NOT NULL,
    created_millis BIGINT NOT NULL
);

-- Lists are stored newline-joined: origins, methods and header names cannot contain a newline.
CREATE TABLE bucket_cors_rule (
    bucket          TEXT COLLATE "C" NOT NULL REFERENCES bucket (name) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    allowed_origins TEXT    NOT NULL,
    allowed_methods TEXT    NOT NULL,
    allowed_headers TEXT    NOT NULL,
    expose_headers  TEXT    NOT NULL,
    max_age_seconds INTEGER NOT NULL,
    PRIMARY KEY (bucket, position)
);

CREATE TABLE access_key (
    id     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    secret TEXT NOT NULL
);

-- No foreign key to bucket: channels are validated against buckets by the API.
CREATE TABLE channel (
    bucket                    TEXT COLLATE "C" NOT NULL,
    name                      TEXT COLLATE "C" NOT NULL,
    description               TEXT    NOT NULL,
    status                    TEXT    NOT NULL,
    frag_duration_seconds     INTEGER NOT NULL,
    frag_count                INTEGER NOT NULL,
    playlist_name             TEXT    NOT NULL,
    snapshot_role_name        TEXT,
    snapshot_dest_bucket      TEXT,
    snapshot_notify_topic     TEXT,
    snapshot_interval_seconds INTEGER,
    last_modified_millis      BIGINT  NOT NULL,
    PRIMARY KEY (bucket, name)
);

-- Kept when the channel is deleted, so that a re-created channel continues the media sequence.
CREATE TABLE playlist_counters (
    bucket                 TEXT COLLATE "C" NOT NULL,
    channel                TEXT COLLATE "C" NOT NULL,
    next_media_sequence    BIGINT NOT NULL,
    discontinuity_sequence BIGINT NOT NULL,
    PRIMARY KEY (bucket, channel)
);

CREATE TABLE push_record (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bucket         TEXT COLLATE "C" NOT NULL,
    channel        TEXT COLLATE "C" NOT NULL,
    start_millis   BIGINT NOT NULL,
    end_millis     BIGINT,
    remote_address TEXT   NOT NULL
);
CREATE INDEX push_record_by_channel ON push_record (bucket, channel, start_millis);

-- `packed`: PackedSegment's value (SQLite V4 says why); the covering index serves the block rebuild.
CREATE TABLE segment (
    bucket          TEXT COLLATE "C" NOT NULL,
    object_key      TEXT COLLATE "C" NOT NULL,
    channel         TEXT COLLATE "C" NOT NULL,
    start_millis    BIGINT  NOT NULL,
    duration_micros BIGINT  NOT NULL,
    sequence        BIGINT  NOT NULL,
    discontinuity   BOOLEAN NOT NULL,
    size_bytes      BIGINT  NOT NULL,
    packed          BYTEA   NOT NULL,
    PRIMARY KEY (bucket, object_key)
);
CREATE INDEX segment_by_channel_time ON segment (bucket, channel, start_millis, sequence, packed);

-- Per channel and minute of start time (block = floor(start_millis / 60000)), the minute's packed values in
-- (start time, sequence) order; derived from `segment` in the same transaction as each change (JdbcSegmentIndex).
CREATE TABLE segment_block (
    bucket  TEXT COLLATE "C" NOT NULL,
    channel TEXT COLLATE "C" NOT NULL,
    block   BIGINT NOT NULL,
    packed  BYTEA  NOT NULL,
    PRIMARY KEY (bucket, channel, block)
);
