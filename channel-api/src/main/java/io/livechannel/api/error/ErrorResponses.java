package io.livechannel.api.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import io.livechannel.api.xml.OssXml;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The one place that renders OSS error documents ({@code <Error>}, wire spec §8): Code, Message, RequestId,
 * HostId, then the optional elements (SignatureDoesNotMatch adds OSSAccessKeyId, SignatureProvided,
 * StringToSign and StringToSignBytes, as the OSS troubleshooting doc shows; {@code EC}, the reference's detailed
 * error code, where we answer a case the reference documents one for).
 */
public final class ErrorResponses {
    /** The body of an error response; element names and order as OSS sends them. */
    @JacksonXmlRootElement(localName = "Error")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"Code", "Message", "RequestId", "HostId", "OSSAccessKeyId", "SignatureProvided",
            "StringToSign", "StringToSignBytes", "CanonicalRequest", "Key", "BucketName", "Header", "EC"})
    record ErrorDocument(
            @JsonProperty("Code") String code,
            @JsonProperty("Message") String message,
            @JsonProperty("RequestId") String requestId,
            @JsonProperty("HostId") String hostId,
            @JsonProperty("OSSAccessKeyId") String accessKeyId,
            @JsonProperty("SignatureProvided") String signatureProvided,
            @JsonProperty("StringToSign") String stringToSign,
            @JsonProperty("StringToSignBytes") String stringToSignBytes,
            @JsonProperty("CanonicalRequest") String canonicalRequest,
            @JsonProperty("Key") String key,
            @JsonProperty("BucketName") String bucketName,
            @JsonProperty("Header") String header,
            @JsonProperty("EC") String ec) {
    }

    private ErrorResponses() {
    }

    /** UTF-8 XML of an {@code <Error>} with Code, Message, RequestId and HostId. */
    public static byte[] render(OssErrorCode code, String message, String requestId, String hostId) {
        return render(new OssException(code, message), requestId, hostId);
    }

    /** UTF-8 XML of the {@code <Error>} for {@code error}, with its details. */
    public static byte[] render(OssException error, String requestId, String hostId) {
        OssException.ErrorDetails d = error.details();
        String bytes = d.stringToSign() == null ? null
                : spacedHex(d.stringToSign().getBytes(StandardCharsets.UTF_8));
        ErrorDocument doc = new ErrorDocument(error.code().code(), error.getMessage(), requestId, hostId,
                d.accessKeyId(), d.signatureProvided(), d.stringToSign(), bytes, d.extra().get("CanonicalRequest"),
                d.extra().get("Key"), d.extra().get("BucketName"), d.extra().get("Header"), d.extra().get("EC"));
        return OssXml.write(doc); // control characters echoed from the request are replaced, never a failure
    }

    /** {@code StringToSignBytes} as OSS writes it: two hex digits per byte, separated by spaces. */
    private static String spacedHex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
    }
}
