-- Version 2: publish leases, as SQLite's V5 (read it for what each column is for). fillfactor leaves room in each
-- page so that the heartbeat's once-a-second update of every held row stays a HOT update (no index entry written:
-- none of the columns it changes is indexed apart from expires_at's partial index).
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
