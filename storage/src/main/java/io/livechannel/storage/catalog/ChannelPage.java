package io.livechannel.storage.catalog;

import java.util.List;

/** One page of channels in name order; {@code nextMarker} is the last name when {@code truncated}. */
public record ChannelPage(List<Channel> channels, boolean truncated, String nextMarker) {
    public ChannelPage {
        channels = List.copyOf(channels);
    }
}
