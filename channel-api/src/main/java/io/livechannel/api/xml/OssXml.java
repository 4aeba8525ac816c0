package io.livechannel.api.xml;

import com.ctc.wstx.api.InvalidCharHandler;
import com.ctc.wstx.api.WstxOutputProperties;
import com.ctc.wstx.stax.WstxOutputFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

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
    private static final XmlMapper WRITER = XmlMapper.builder(XmlFactory.builder().xmlOutputFactory(outputFactory()).build())
            .addModule(new SimpleModule("xml-1.0-text").addSerializer(String.class, new Xml10TextSerializer()))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(ToXmlGenerator.Feature.WRITE_XML_DECLARATION)
            .build();
    /** No DTDs and no external entities: request bodies come from the network (XXE, billion laughs). */
    private static final XMLInputFactory INPUT = hardened();
    private static final XmlMapper READER = XmlMapper.builder(XmlFactory.builder().xmlInputFactory(INPUT).build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .build();
    private static final DateTimeFormatter ISO_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'.000Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private OssXml() {
    }

    /**
     * {@code text} with each code point XML 1.0 cannot carry (§2.2 Char: C0 controls other than tab, LF and CR,
     * U+FFFE, U+FFFF, and unpaired surrogates) replaced by {@link #INVALID_CHAR_REPLACEMENT}; {@code text} itself
     * when it has none.
     */
    static String replaceInvalidChars(String text) {
        int i = 0;
        while (i < text.length() && isXml10(text.codePointAt(i))) {
            i += Character.charCount(text.codePointAt(i));
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length()).append(text, 0, i);
        text.codePoints().skip(text.codePointCount(0, i))
                .forEach(c -> sb.appendCodePoint(isXml10(c) ? c : INVALID_CHAR_REPLACEMENT));
        return sb.toString();
    }

    private static boolean isXml10(int c) {
        return c >= 0x20 && c <= 0xD7FF || c == 0x9 || c == 0xA || c == 0xD || c >= 0xE000 && c <= 0xFFFD
                || c >= 0x10000;
    }

    /**
     * Replaces what XML cannot carry before Woodstox sees it: its own invalid-character handler throws on unpaired
     * surrogates and replaces a CR that follows other replaced characters instead of escaping it.
     */
    private static final class Xml10TextSerializer extends StdSerializer<String> {
        Xml10TextSerializer() {
            super(String.class);
        }

        @Override
        public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(replaceInvalidChars(value));
        }
    }

    /** {@code <?xml version="1.0" encoding="UTF-8"?>} with double quotes, as OSS writes it (Woodstox: single). */

    private static XMLInputFactory hardened() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return f;
    }

    /** Double-quoted declaration as the reference writes it; characters XML 1.0 cannot carry replaced. */
    private static XMLOutputFactory outputFactory() {
        XMLOutputFactory f = new WstxOutputFactory();
        f.setProperty(WstxOutputProperties.P_USE_DOUBLE_QUOTES_IN_XML_DECL, true);
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
     * @throws OssException MalformedXML when the body is empty, not well-formed, not of that shape or its root
     *     element is not the one {@code type} names (Jackson alone would accept any root)
     */
    public static <T> T read(byte[] body, Class<T> type) throws OssException {
        if (body.length == 0) {
            throw new OssException(OssErrorCode.MALFORMED_XML, "The XML you provided was empty.");
        }
        JacksonXmlRootElement root = type.getAnnotation(JacksonXmlRootElement.class);
        if (root != null && !root.localName().equals(rootName(body))) {
            throw new OssException(OssErrorCode.MALFORMED_XML,
                    "The XML you provided was not well-formed or did not validate against our published schema: "
                            + "the root element must be " + root.localName() + ".");
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

    /** The local name of the document's first element, or {@code ""} when it has none or is not well-formed. */
    private static String rootName(byte[] body) {
        try {
            XMLStreamReader reader = INPUT.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                while (reader.hasNext()) {
                    if (reader.next() == XMLStreamConstants.START_ELEMENT) {
                        return reader.getLocalName();
                    }
                }
                return "";
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            return "";
        }
    }

    /** {@code 2016-08-08T05:59:28.000Z}. */
    public static String date(Instant instant) {
        return ISO_SECONDS.format(instant);
    }
}
