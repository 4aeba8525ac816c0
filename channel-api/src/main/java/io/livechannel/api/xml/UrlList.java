package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import java.util.List;

/** {@code <PublishUrls>} / {@code <PlayUrls>}: repeated {@code <Url>}. */
public record UrlList(@JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("Url") List<String> urls) {
    public static UrlList of(String url) {
        return new UrlList(List.of(url));
    }
}
