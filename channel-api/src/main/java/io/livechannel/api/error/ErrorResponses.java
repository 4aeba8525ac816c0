package io.livechannel.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import java.io.UncheckedIOException;

/** The one place that renders OSS error documents ({@code <Error>}, wire spec §8). */
public final class ErrorResponses {
    private static final XmlMapper XML = XmlMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(ToXmlGenerator.Feature.WRITE_XML_DECLARATION)
            .build();

    /** The body of an error response; element names and order as OSS sends them. */
    @JacksonXmlRootElement(localName = "Error")
    record ErrorDocument(
            @com.fasterxml.jackson.annotation.JsonProperty("Code") String code,
            @com.fasterxml.jackson.annotation.JsonProperty("Message") String message,
            @com.fasterxml.jackson.annotation.JsonProperty("RequestId") String requestId,
            @com.fasterxml.jackson.annotation.JsonProperty("HostId") String hostId) {
    }

    private ErrorResponses() {
    }

    /** UTF-8 XML of an {@code <Error>} with Code, Message, RequestId and HostId. */
    public static byte[] render(OssErrorCode code, String message, String requestId, String hostId) {
        try {
            return XML.writeValueAsBytes(new ErrorDocument(code.code(), message, requestId, hostId));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
