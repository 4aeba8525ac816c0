package io.livechannel.vod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.livechannel.vod.VodPlaylistException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VodPlaylistKeyTest {
    @Test
    void splitsTheDocumentationExampleKeyAtTheFirstSlash() {
        VodPlaylistKey key = VodPlaylistKey.parse("ch1/vod.m3u8");

        assertThat(key.channel()).isEqualTo("ch1");
        assertThat(key.playlistName()).isEqualTo("vod.m3u8");
        assertThat(key.objectKey()).isEqualTo("ch1/vod.m3u8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ch1/vod.m3u", "ch1/vod.M3U8", "ch1/.m3u8", "ch1/", "ch1/a/b.m3u8", "ch1/../x.m3u8"})
    void rejectsANameThatIsNotAPlaylistNextToTheSegments(String objectKey) {
        VodPlaylistException e = catchThrowableOfType(VodPlaylistException.class,
                () -> VodPlaylistKey.parse(objectKey));

        assertThat(e.reason()).isEqualTo(Reason.INVALID_PLAYLIST_NAME);
        assertThat(e.argumentName()).isEqualTo("playlistName");
        assertThat(e.getMessage()).contains("must end in .m3u8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vod.m3u8", "/vod.m3u8", ""})
    void rejectsAKeyWithoutAChannel(String objectKey) {
        VodPlaylistException e = catchThrowableOfType(VodPlaylistException.class,
                () -> VodPlaylistKey.parse(objectKey));

        assertThat(e.reason()).isEqualTo(Reason.INVALID_PLAYLIST_NAME);
        assertThat(e).hasMessage("the VoD playlist object '" + objectKey + "' must be <channel>/<name>.m3u8");
    }

    @Test
    void acceptsAKeyOf1023BytesAndRejects1024() {
        String channel = "ch1";
        // "ch1/" is 4 bytes, ".m3u8" 5; "é" is 2 bytes in UTF-8, so count bytes, not chars.
        String longest = "é".repeat(507) + ".m3u8"; // 4 + 1014 + 5 = 1023 bytes
        assertThat(new VodPlaylistKey(channel, longest).objectKey()).hasSize(4 + 507 + 5);

        VodPlaylistException e = catchThrowableOfType(VodPlaylistException.class,
                () -> new VodPlaylistKey(channel, "a" + longest));
        assertThat(e.reason()).isEqualTo(Reason.INVALID_PLAYLIST_NAME);
        assertThat(e).hasMessage("the VoD playlist key is 1024 bytes; object keys are at most 1023");
    }

    @Test
    void aChannelWithASlashIsACallerBug() {
        assertThatThrownBy(() -> new VodPlaylistKey("a/b", "vod.m3u8")).isInstanceOf(IllegalArgumentException.class);
    }
}
