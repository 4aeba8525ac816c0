package io.livechannel.api.xml;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;

/** {@code <AccessControlPolicy>} of GetBucketAcl: the owner and the canned ACL as {@code <Grant>}. */
@JacksonXmlRootElement(localName = "AccessControlPolicy")
@JsonPropertyOrder({"Owner", "AccessControlList"})
public record AccessControlPolicy(
        @JsonProperty("Owner") ListBucketResult.Owner owner,
        @JsonProperty("AccessControlList") AccessControlList accessControlList) {

    /** {@code <AccessControlList><Grant>}. */
    public record AccessControlList(@JsonProperty("Grant") String grant) {
    }
}
