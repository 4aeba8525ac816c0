package io.livechannel.api.xml;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.api.error.ErrorResponses;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Error and listing documents with any names in them (any text decoded from UTF-8, control characters included:
 * names stored before control characters were refused, text echoed from a request). Properties:
 * {@link OssXml#write} never throws (unpaired surrogates included); the output is well-formed XML that the JDK's own parser (not the Woodstox that
 * wrote it) reads back; every text reads back as written, except that each character XML 1.0 cannot carry is
 * {@link OssXml#INVALID_CHAR_REPLACEMENT}. Corpus: {@code OssXmlFuzzTestInputs/}.
 */
class OssXmlFuzzTest {
    private static final DocumentBuilderFactory PARSERS = parsers();

    private static DocumentBuilderFactory parsers() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void documentsParseBackWithTheirNames(FuzzedDataProvider data) throws Exception {
        String message = text(data);
        String key = text(data);
        String prefix = text(data);
        String delimiter = text(data);
        String name = text(data);

        byte[] error = ErrorResponses.render(new OssException(OssErrorCode.NO_SUCH_KEY, message,
                new OssException.ErrorDetails(null, null, key, Map.of("Key", key))), "REQUESTID", name);
        Element e = parse(error).getDocumentElement();
        assertThat(e.getTagName()).isEqualTo("Error");
        assertThat(child(e, "Message")).isEqualTo(expected(message));
        assertThat(child(e, "HostId")).isEqualTo(expected(name));
        assertThat(child(e, "Key")).isEqualTo(expected(key));
        assertThat(child(e, "StringToSign")).isEqualTo(expected(key));

        ListBucketResult listing = new ListBucketResult("examplebucket", prefix, key, 100, delimiter, true, key, null,
                List.of(new ListBucketResult.Contents(key, OssXml.date(java.time.Instant.EPOCH), "\"ETAG\"", "Normal",
                        0, "Standard", new ListBucketResult.Owner(name, name))),
                List.of(new ListBucketResult.CommonPrefix(prefix + delimiter)));
        Element l = parse(OssXml.write(listing)).getDocumentElement();
        assertThat(child(l, "Prefix")).isEqualTo(expected(prefix));
        assertThat(child(l, "Delimiter")).isEqualTo(expected(delimiter));
        assertThat(child(l, "NextMarker")).isEqualTo(expected(key));
        Element contents = (Element) l.getElementsByTagName("Contents").item(0);
        assertThat(child(contents, "Key")).isEqualTo(expected(key));
        Element common = (Element) l.getElementsByTagName("CommonPrefixes").item(0);
        assertThat(child(common, "Prefix")).isEqualTo(expected(prefix + delimiter));
    }

    /**
     * Any text: decoded from up to 64 bytes of UTF-8 (request parts and stored names are decoded so), or any UTF-16
     * including unpaired surrogates (text built elsewhere in the server).
     */
    private static String text(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return data.consumeString(64);
        }
        return new String(data.consumeBytes(data.consumeInt(0, 64)), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code s} with each code point XML 1.0 cannot carry (§2.2 Char) replaced. */
    private static String expected(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            boolean valid = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
            sb.appendCodePoint(valid ? c : OssXml.INVALID_CHAR_REPLACEMENT);
        });
        return sb.toString();
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilder parser = PARSERS.newDocumentBuilder();
        parser.setErrorHandler(null);
        return parser.parse(new ByteArrayInputStream(xml));
    }

    /** The text of {@code parent}'s first direct child element named {@code name}. */
    private static String child(Element parent, String name) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent();
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }
}
