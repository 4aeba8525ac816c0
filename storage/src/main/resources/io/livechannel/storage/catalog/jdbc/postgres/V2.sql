-- Version 2: publish leases, as SQLite's V5 (read it for what each column is for). The heartbeat updates every held
-- row once a second; because expires_at is indexed (the sweeper's lookup), those updates are not HOT: each writes
-- new index entries too (about 125 KB of WAL per heartbeat of 500 leases). fillfactor leaves room for the new row
-- versions in the same page.
CREATE TABLE channel_lease (
    bucket        TEXT COLLATE "C" NOT NULL,
    channel       TEXT COLLATE "C" NOT NULL,
    owner         TEXT,
    epoch         BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    last_activity BIGINT NOT NULL,
    stats         TEXT,
    PRIMARY KEY (bucket, channel)
) WITH (fillfactor = 70);
CREATE INDEX channel_lease_held_by_expiry ON channel_lease (expires_at) WHERE owner IS NOT NULL;
