package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/** {@code <ListLiveChannelResult>} (wire spec §3.6); element set as the real service answers. */
@JacksonXmlRootElement(localName = "ListLiveChannelResult")
@JsonPropertyOrder({"Prefix", "Marker", "MaxKeys", "IsTruncated", "NextMarker", "LiveChannel"})
public record ListLiveChannelResult(
        @JsonProperty("Prefix") String prefix,
        @JsonProperty("Marker") String marker,
        @JsonProperty("MaxKeys") int maxKeys,
        @JsonProperty("IsTruncated") boolean truncated,
        @JsonProperty("NextMarker") String nextMarker,
        @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("LiveChannel") List<LiveChannel> channels) {

    /** One {@code <LiveChannel>}. */
    @JsonPropertyOrder({"Name", "Description", "Status", "LastModified", "PublishUrls", "PlayUrls"})
    public record LiveChannel(
            @JsonProperty("Name") String name,
            @JsonProperty("Description") String description,
            @JsonProperty("Status") String status,
            @JsonProperty("LastModified") String lastModified,
            @JsonProperty("PublishUrls") UrlList publishUrls,
            @JsonProperty("PlayUrls") UrlList playUrls) {
    }
}
