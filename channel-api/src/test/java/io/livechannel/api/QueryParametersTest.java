package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.api.error.OssException;
import org.junit.jupiter.api.Test;

/** Query strings as the SDKs send them (wire spec §1.2). */
class QueryParametersTest {
    @Test
    void bareAndEmptyValuedSubResourcesAreBothPresentAndEmpty() throws Exception {
        QueryParameters java = QueryParameters.parse("live&prefix=ch&marker=a&max-keys=10");
        QueryParameters aliOss = QueryParameters.parse("prefix=ch&marker=a&max-keys=10&live=");
        for (QueryParameters q : new QueryParameters[] {java, aliOss}) {
            assertThat(q.has("live")).isTrue();
            assertThat(q.get("live")).contains("");
            assertThat(q.get("max-keys")).contains("10");
        }
    }

    @Test
    void valuesArePercentDecodedAndPlusStaysAPlus() throws Exception {
        QueryParameters q = QueryParameters.parse("continuation-token=tok%2F1&playlistName=a%20b+c.m3u8");
        assertThat(q.get("continuation-token")).contains("tok/1");
        assertThat(q.get("playlistName")).contains("a b+c.m3u8");
    }

    @Test
    void firstOccurrenceWinsAndEmptyPairsAreSkipped() throws Exception {
        QueryParameters q = QueryParameters.parse("a=1&&a=2&");
        assertThat(q.asMap()).containsExactly(java.util.Map.entry("a", "1"));
    }

    @Test
    void tooManyParametersOrBadEscapesAreInvalidArgument() {
        assertThatThrownBy(() -> QueryParameters.parse("a=1&".repeat(QueryParameters.MAX_PARAMETERS + 1)))
                .isInstanceOf(OssException.class);
        assertThatThrownBy(() -> QueryParameters.parse("a=%4")).isInstanceOf(OssException.class);
        assertThatThrownBy(() -> QueryParameters.parse("a=%g0")).isInstanceOf(OssException.class);
    }

    @Test
    void percentEncodeKeepsOnlyUnreservedCharacters() {
        assertThat(QueryParameters.percentEncode("my channel+1/é~")).isEqualTo("my%20channel%2B1%2F%C3%A9~");
    }
}
