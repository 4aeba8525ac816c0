package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/**
 * {@code <LiveChannelStat>} (wire spec §3.4). Status is capitalised ({@code Idle}, {@code Live},
 * {@code Disabled}); the other elements are omitted, not empty, when unknown (Go cannot parse an empty
 * {@code <ConnectedTime/>}). {@code <Snapshot>} is this server's addition, present only for a channel configured
 * with a Snapshot: whether snapshots are being taken here ({@code On}) or not ({@code Off}, with the reason).
 */
@JacksonXmlRootElement(localName = "LiveChannelStat")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"Status", "ConnectedTime", "RemoteAddr", "Video", "Audio", "Snapshot"})
public record LiveChannelStat(
        @JsonProperty("Status") String status,
        @JsonProperty("ConnectedTime") String connectedTime,
        @JsonProperty("RemoteAddr") String remoteAddr,
        @JsonProperty("Video") Video video,
        @JsonProperty("Audio") Audio audio,
        @JsonProperty("Snapshot") Snapshot snapshot) {

    /** {@code <Video>}. */
    @JsonPropertyOrder({"Width", "Height", "FrameRate", "Bandwidth", "Codec"})
    public record Video(
            @JsonProperty("Width") int width,
            @JsonProperty("Height") int height,
            @JsonProperty("FrameRate") int frameRate,
            @JsonProperty("Bandwidth") long bandwidth,
            @JsonProperty("Codec") String codec) {
    }

    /** {@code <Audio>}. */
    @JsonPropertyOrder({"Bandwidth", "SampleRate", "Codec"})
    public record Audio(
            @JsonProperty("Bandwidth") long bandwidth,
            @JsonProperty("SampleRate") int sampleRate,
            @JsonProperty("Codec") String codec) {
    }

    /** {@code <Snapshot>}: {@code On}, or {@code Off} with a reason. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"Status", "Reason"})
    public record Snapshot(
            @JsonProperty("Status") String status,
            @JsonProperty("Reason") String reason) {
    }
}
