package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/** {@code <ListAllMyBucketsResult>} of GetService (list buckets). */
@JacksonXmlRootElement(localName = "ListAllMyBucketsResult")
@JsonPropertyOrder({"Owner", "Buckets"})
public record ListAllMyBucketsResult(
        @JsonProperty("Owner") ListBucketResult.Owner owner,
        @JsonProperty("Buckets") Buckets buckets) {

    /** {@code <Buckets>}. */
    public record Buckets(
            @JacksonXmlElementWrapper(useWrapping = false) @JsonProperty("Bucket") List<BucketEntry> entries) {
    }

    /** One {@code <Bucket>}. */
    @JsonPropertyOrder({"Name", "CreationDate", "Location", "StorageClass"})
    public record BucketEntry(
            @JsonProperty("Name") String name,
            @JsonProperty("CreationDate") String creationDate,
            @JsonProperty("Location") String location,
            @JsonProperty("StorageClass") String storageClass) {
    }
}
