-- Version 5: one publisher per channel across the nodes sharing a catalog (storage.catalog.PublishLeases). A row
-- per channel that ever published: the node holding it (NULL once released), an epoch raised by one whenever the
-- channel changes hands (live-path writes carry it and are refused when it moved on), the expiry and the
-- publisher's last activity in milliseconds on the database's clock, and the holder's statistics as text for
-- GetLiveChannelStat on the other nodes. Rows are kept after release (and after the channel is deleted) so the
-- epoch only grows. The partial index serves the sweeper's search for expired leases.
CREATE TABLE channel_lease (
    bucket        TEXT   NOT NULL,
    channel       TEXT   NOT NULL,
    owner         TEXT,
    epoch         BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    last_activity BIGINT NOT NULL,
    stats         TEXT,
    PRIMARY KEY (bucket, channel)
);
CREATE INDEX channel_lease_held_by_expiry ON channel_lease (expires_at) WHERE owner IS NOT NULL;
