package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/**
 * {@code <CORSConfiguration>} of PutBucketCors/GetBucketCors: up to ten {@code <CORSRule>}, each with repeated
 * AllowedOrigin/AllowedMethod/AllowedHeader/ExposeHeader and an optional MaxAgeSeconds.
 */
@JacksonXmlRootElement(localName = "CORSConfiguration")
public record CorsConfiguration(
        @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("CORSRule") List<Rule> rules) {

    /** {@code <CORSRule>}; MaxAgeSeconds kept as text so a bad number is an InvalidArgument. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"AllowedOrigin", "AllowedMethod", "AllowedHeader", "ExposeHeader", "MaxAgeSeconds"})
    public record Rule(
            @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("AllowedOrigin") List<String> allowedOrigins,
            @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("AllowedMethod") List<String> allowedMethods,
            @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("AllowedHeader") List<String> allowedHeaders,
            @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("ExposeHeader") List<String> exposeHeaders,
            @JsonProperty("MaxAgeSeconds") String maxAgeSeconds) {
    }
}
