package io.livechannel.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediaPlaylistTest {
    @Test
    void readsSequenceAndDurationsOfAnNginxRtmpLivePlaylist() {
        String nginx = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-TARGETDURATION:2\n"
                + "#EXTINF:2.000,\nt0-2.ts\n#EXTINF:2.000,\nt0-3.ts\n#EXTINF:1.982,\nt0-4.ts\n";
        assertThat(MediaPlaylist.parse(nginx))
                .isEqualTo(new MediaPlaylist(2, List.of(2_000_000L, 2_000_000L, 1_982_000L),
                        List.of("t0-2.ts", "t0-3.ts", "t0-4.ts")));
    }

    @Test
    void sequenceDefaultsToZeroWhenTheTagIsAbsent() {
        assertThat(MediaPlaylist.parse("#EXTM3U\r\n#EXTINF:5.005,title\r\na.ts\r\n"))
                .isEqualTo(new MediaPlaylist(0, List.of(5_005_000L), List.of("a.ts")));
    }

    @Test
    void readsTheSegmentUrisOfALivechannelPlaylistWithAnEndTag() {
        String ours = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:7\n#EXT-X-TARGETDURATION:3\n\n"
                + "#EXTINF:2.002,\n1763788800007.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:1.500,\n1763788800008.ts\n"
                + "#EXT-X-ENDLIST\n";
        assertThat(MediaPlaylist.parse(ours).segmentUris()).containsExactly("1763788800007.ts", "1763788800008.ts");
    }

    @Test
    void rejectsAnExtinfWithoutItsUri() {
        assertThatThrownBy(() -> MediaPlaylist.parse("#EXTM3U\n#EXTINF:2.0,\n#EXT-X-ENDLIST\n"))
                .hasMessageContaining("1 EXTINF tags but 0 segment URIs");
    }

    @Test
    void rejectsAnErrorDocument() {
        assertThatThrownBy(() -> MediaPlaylist.parse("<?xml version=\"1.0\"?><Error/>"))
                .hasMessageContaining("no #EXTM3U");
    }
}
