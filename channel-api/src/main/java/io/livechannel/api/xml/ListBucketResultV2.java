package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/** {@code <ListBucketResult>} of ListObjects v2 ({@code list-type=2}, wire spec §7.6): KeyCount and tokens. */
@JacksonXmlRootElement(localName = "ListBucketResult")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"Name", "Prefix", "StartAfter", "ContinuationToken", "MaxKeys", "Delimiter", "EncodingType",
        "IsTruncated", "NextContinuationToken", "KeyCount", "Contents", "CommonPrefixes"})
public record ListBucketResultV2(
        @JsonProperty("Name") String name,
        @JsonProperty("Prefix") String prefix,
        @JsonProperty("StartAfter") String startAfter,
        @JsonProperty("ContinuationToken") String continuationToken,
        @JsonProperty("MaxKeys") int maxKeys,
        @JsonProperty("Delimiter") String delimiter,
        @JsonProperty("EncodingType") String encodingType,
        @JsonProperty("IsTruncated") boolean truncated,
        @JsonProperty("NextContinuationToken") String nextContinuationToken,
        @JsonProperty("KeyCount") int keyCount,
        @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("Contents")
        List<ListBucketResult.Contents> contents,
        @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("CommonPrefixes")
        List<ListBucketResult.CommonPrefix> commonPrefixes) {
}
