package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/**
 * {@code <ListBucketResult>} of ListObjects v1 (wire spec §7.5). Java and ali-oss dereference {@code Owner}
 * of every {@code Contents}, so it is always written.
 */
@JacksonXmlRootElement(localName = "ListBucketResult")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"Name", "Prefix", "Marker", "MaxKeys", "Delimiter", "IsTruncated", "NextMarker", "EncodingType",
        "Contents", "CommonPrefixes"})
public record ListBucketResult(
        @JsonProperty("Name") String name,
        @JsonProperty("Prefix") String prefix,
        @JsonProperty("Marker") String marker,
        @JsonProperty("MaxKeys") int maxKeys,
        @JsonProperty("Delimiter") String delimiter,
        @JsonProperty("IsTruncated") boolean truncated,
        @JsonProperty("NextMarker") String nextMarker,
        @JsonProperty("EncodingType") String encodingType,
        @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("Contents") List<Contents> contents,
        @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("CommonPrefixes") List<CommonPrefix> commonPrefixes) {

    /** One object of a listing ({@code <Contents>}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"Key", "LastModified", "ETag", "Type", "Size", "StorageClass", "Owner"})
    public record Contents(
            @JsonProperty("Key") String key,
            @JsonProperty("LastModified") String lastModified,
            @JsonProperty("ETag") String etag,
            @JsonProperty("Type") String type,
            @JsonProperty("Size") long size,
            @JsonProperty("StorageClass") String storageClass,
            @JsonProperty("Owner") Owner owner) {
    }

    /** {@code <CommonPrefixes><Prefix>}. */
    public record CommonPrefix(@JsonProperty("Prefix") String prefix) {
    }

    /** {@code <Owner>} (also used by GetService and GetBucketAcl). */
    @JsonPropertyOrder({"ID", "DisplayName"})
    public record Owner(@JsonProperty("ID") String id, @JsonProperty("DisplayName") String displayName) {
    }
}
