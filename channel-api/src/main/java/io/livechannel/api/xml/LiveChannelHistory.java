package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/** {@code <LiveChannelHistory>} (wire spec §3.5): up to ten {@code <LiveRecord>}, each with all three children. */
@JacksonXmlRootElement(localName = "LiveChannelHistory")
public record LiveChannelHistory(
        @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("LiveRecord") List<LiveRecord> records) {

    /** {@code <LiveRecord>}. */
    @JsonPropertyOrder({"StartTime", "EndTime", "RemoteAddr"})
    public record LiveRecord(
            @JsonProperty("StartTime") String startTime,
            @JsonProperty("EndTime") String endTime,
            @JsonProperty("RemoteAddr") String remoteAddr) {
    }
}
