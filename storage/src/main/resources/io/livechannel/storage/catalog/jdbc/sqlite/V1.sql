-- Version 1 of the catalog schema (SQLite). The PostgreSQL twin differs only in types that must differ:
-- push_record.id (GENERATED ALWAYS AS IDENTITY) and TEXT columns compared by name (COLLATE "C", so that names
-- sort in UTF-8 byte order as SQLite's BINARY collation does). All DML is shared between the dialects.

CREATE TABLE bucket (
    name           TEXT   NOT NULL PRIMARY KEY,
    acl            TEXT   NOT NULL,
    created_millis BIGINT NOT NULL
);

-- Lists are stored newline-joined: origins, methods and header names cannot contain a newline.
CREATE TABLE bucket_cors_rule (
    bucket          TEXT    NOT NULL REFERENCES bucket (name) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    allowed_origins TEXT    NOT NULL,
    allowed_methods TEXT    NOT NULL,
    allowed_headers TEXT    NOT NULL,
    expose_headers  TEXT    NOT NULL,
    max_age_seconds INTEGER NOT NULL,
    PRIMARY KEY (bucket, position)
);

CREATE TABLE access_key (
    id     TEXT NOT NULL PRIMARY KEY,
    secret TEXT NOT NULL
);

-- No foreign key to bucket: channels are validated against buckets by the API, and a bucket's catalog row may be
-- created after objects exist (imported data dirs).
CREATE TABLE channel (
    bucket                    TEXT    NOT NULL,
    name                      TEXT    NOT NULL,
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

-- Kept when the channel is deleted: its objects outlive it, and a re-created channel continues the sequence so
-- that players holding the old playlist never see a media sequence go backwards.
CREATE TABLE playlist_counters (
    bucket                 TEXT   NOT NULL,
    channel                TEXT   NOT NULL,
    next_media_sequence    BIGINT NOT NULL,
    discontinuity_sequence BIGINT NOT NULL,
    PRIMARY KEY (bucket, channel)
);

CREATE TABLE push_record (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    bucket         TEXT   NOT NULL,
    channel        TEXT   NOT NULL,
    start_millis   BIGINT NOT NULL,
    end_millis     BIGINT,
    remote_address TEXT   NOT NULL
);
CREATE INDEX push_record_by_channel ON push_record (bucket, channel, start_millis);

CREATE TABLE segment (
    bucket          TEXT    NOT NULL,
    object_key      TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    start_millis    BIGINT  NOT NULL,
    duration_micros BIGINT  NOT NULL,
    sequence        BIGINT  NOT NULL,
    discontinuity   BOOLEAN NOT NULL,
    size_bytes      BIGINT  NOT NULL,
    PRIMARY KEY (bucket, object_key)
);
CREATE INDEX segment_by_channel_time ON segment (bucket, channel, start_millis);
