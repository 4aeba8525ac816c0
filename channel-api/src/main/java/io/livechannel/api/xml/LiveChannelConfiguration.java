package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/**
 * {@code <LiveChannelConfiguration>}: the PutLiveChannel request body and the GetLiveChannelInfo answer (wire
 * spec §3.1, §3.3). Values are kept as the strings sent, so that a bad number is reported as InvalidArgument
 * naming the element rather than as MalformedXML; validation lives in {@code route.ChannelConfigParser}.
 * {@code <Snapshot>} is stored and echoed; the server takes the snapshots while the channel is pushed.
 */
@JacksonXmlRootElement(localName = "LiveChannelConfiguration")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"Description", "Status", "Target", "Snapshot"})
public record LiveChannelConfiguration(
        @JsonProperty("Description") String description,
        @JsonProperty("Status") String status,
        @JsonProperty("Target") Target target,
        @JsonProperty("Snapshot") Snapshot snapshot) {

    /** {@code <Target>}: Type is always HLS. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"Type", "FragDuration", "FragCount", "PlaylistName"})
    public record Target(
            @JsonProperty("Type") String type,
            @JsonProperty("FragDuration") String fragDuration,
            @JsonProperty("FragCount") String fragCount,
            @JsonProperty("PlaylistName") String playlistName) {
    }

    /** {@code <Snapshot>}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"RoleName", "DestBucket", "NotifyTopic", "Interval"})
    public record Snapshot(
            @JsonProperty("RoleName") String roleName,
            @JsonProperty("DestBucket") String destBucket,
            @JsonProperty("NotifyTopic") String notifyTopic,
            @JsonProperty("Interval") String interval) {
    }
}
