package io.livechannel.api.xml;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.api.error.ErrorResponses;
import io.livechannel.api.error.OssErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Text that XML 1.0 cannot carry, in the documents the server writes (inputs the fuzz target found). */
class OssXmlTextTest {
    @Test
    void aCarriageReturnAfterReplacedControlsStaysACharacterReference() {
        String xml = new String(ErrorResponses.render(OssErrorCode.NO_SUCH_KEY, "m", "REQUESTID",
                "\u000b\u000c\r\u000e"), StandardCharsets.UTF_8);

        assertThat(xml).contains("<HostId>\uFFFD\uFFFD&#xd;\uFFFD</HostId>");
    }

    @Test
    void unpairedSurrogatesAreReplacedInsteadOfFailingTheDocument() {
        String xml = new String(ErrorResponses.render(OssErrorCode.NO_SUCH_KEY, "a\uD800b\uDC00c\uD83D\uDE00",
                "REQUESTID", "h"), StandardCharsets.UTF_8);

        assertThat(xml).contains("<Message>a\uFFFDb\uFFFDc\uD83D\uDE00</Message>");
    }

    @Test
    void textWithNothingToReplaceIsTheSameString() {
        String text = "live/channel-1/1.ts \t\n\r\u00e9\uD83D\uDE00";

        assertThat(OssXml.replaceInvalidChars(text)).isSameAs(text);
    }
}
