package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.xml.LiveChannelHistory;
import io.livechannel.api.xml.OssXml;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.PushRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code GET /<channel>?live&comp=history} (wire spec §3.5): the {@value #MAX_RECORDS} most recent pushes,
 * oldest first, as the reference's sample lists them. Every record needs an EndTime (Java and oss2 parse all three children), so the push still in
 * progress is left out, and a push whose end was never recorded (server killed) ends at its start.
 */
final class GetLiveChannelHistory implements Route {
    static final int MAX_RECORDS = 10;

    private final ApiConfig config;

    GetLiveChannelHistory(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        Channel c = LiveChannels.require(config.metadata().channels(), bucket.name(), request.key());
        boolean live = config.liveSessions().isLive(bucket.name(), c.name());
        List<LiveChannelHistory.LiveRecord> records = new ArrayList<>();
        List<PushRecord> recent = config.metadata().history().recent(bucket.name(), c.name(), MAX_RECORDS + 1);
        for (int i = 0; i < recent.size() && records.size() < MAX_RECORDS; i++) {
            PushRecord r = recent.get(i);
            if (r.end() == null && i == 0 && live) {
                continue;
            }
            records.add(new LiveChannelHistory.LiveRecord(OssXml.date(r.start()),
                    OssXml.date(r.end() == null ? r.start() : r.end()), r.remoteAddress()));
        }
        Collections.reverse(records); // recent() is newest first
        return ApiResponse.xml(OssXml.write(new LiveChannelHistory(records)));
    }
}
