package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/** {@code <CreateLiveChannelResult>} of PutLiveChannel (wire spec §3.1); both URL lists are required by the SDKs. */
@JacksonXmlRootElement(localName = "CreateLiveChannelResult")
@JsonPropertyOrder({"PublishUrls", "PlayUrls"})
public record CreateLiveChannelResult(
        @JsonProperty("PublishUrls") UrlList publishUrls,
        @JsonProperty("PlayUrls") UrlList playUrls) {
}
