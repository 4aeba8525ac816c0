package io.livechannel.api.xml;

import com.ctc.wstx.api.InvalidCharHandler;
import com.ctc.wstx.api.WstxOutputProperties;
import com.ctc.wstx.stax.WstxOutputFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;

/**
 * Reads request documents and writes response documents. Thread-safe.
 *
 * <p>Dates in documents are {@code yyyy-MM-ddTHH:mm:ss.000Z}: oss2's parser requires the literal
 * {@code .000Z} (wire spec §0.6), so milliseconds are always written as zeros.
 */
public final class OssXml {
    /**
     * What a character XML 1.0 cannot carry (most C0 controls, even as a reference) is written as: names stored
     * before control characters were refused, or echoed from a request, must not turn a listing or an error
     * document into a 5xx. A client that needs such a name exactly lists with {@code encoding-type=url}.
     */
    public static final char INVALID_CHAR_REPLACEMENT = '\uFFFD';
    private static final XmlMapper WRITER = XmlMapper.builder(XmlFactory.builder().xmlOutputFactory(replacing()).build())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(ToXmlGenerator.Feature.WRITE_XML_DECLARATION)
            .build();
    /** No DTDs and no external entities: request bodies come from the network (XXE, billion laughs). */
    private static final XmlMapper READER = XmlMapper.builder(XmlFactory.builder().xmlInputFactory(hardened()).build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .build();
    private static final DateTimeFormatter ISO_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'.000Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private OssXml() {
    }

    private static XMLInputFactory hardened() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return f;
    }

    private static XMLOutputFactory replacing() {
        XMLOutputFactory f = new WstxOutputFactory();
        f.setProperty(WstxOutputProperties.P_OUTPUT_INVALID_CHAR_HANDLER,
                new InvalidCharHandler.ReplacingHandler(INVALID_CHAR_REPLACEMENT));
        return f;
    }

    /** UTF-8 bytes of the document. */
    public static byte[] write(Object document) {
        try {
            return WRITER.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a request document.
     *
     * @throws OssException MalformedXML when the body is empty, not well-formed or not of that shape
     */
    public static <T> T read(byte[] body, Class<T> type) throws OssException {
        if (body.length == 0) {
            throw new OssException(OssErrorCode.MALFORMED_XML, "The XML you provided was empty.");
        }
        try {
            T value = READER.readValue(body, type);
            if (value == null) {
                throw new OssException(OssErrorCode.MALFORMED_XML, "The XML you provided was empty.");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new OssException(OssErrorCode.MALFORMED_XML,
                    "The XML you provided was not well-formed or did not validate against our published schema.");
        }
    }

    /** {@code 2016-08-08T05:59:28.000Z}. */
    public static String date(Instant instant) {
        return ISO_SECONDS.format(instant);
    }
}
