package io.livechannel.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.storage.ObjectKey;
import io.livechannel.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Object keys to file paths and back, on any key (the input as UTF-8 text). Properties, for every key
 * {@link ObjectKey#checkedUtf8} accepts: each file name is non-empty ASCII of at most
 * {@code MAX_PIECE_CHARS + 2} characters, holds no {@code /}, {@code \} or NUL, and is never {@code .} or
 * {@code ..} nor starts with a dot (the lister's temporary files), so the path resolved under a bucket directory
 * stays inside it; decoding the names as the lister does gives back exactly the key's bytes (so two keys never share
 * a file); the directories of the key's prefix up to its last {@code /} are the object path's leading names.
 * Corpus: {@code KeyPathCodecFuzzTestInputs/}.
 */
class KeyPathCodecFuzzTest {
    private static final Path BUCKET = Path.of("/srv/objects/examplebucket");

    @FuzzTest(maxDuration = "60s")
    void pathsStayInTheBucketAndDecodeToTheKey(byte[] data) {
        String key = new String(data, StandardCharsets.UTF_8);
        byte[] utf8;
        try {
            utf8 = ObjectKey.checkedUtf8(key);
        } catch (StorageException refused) {
            assertThat(refused.kind()).isEqualTo(StorageException.Kind.INVALID_KEY);
            return;
        }
        List<String> names = KeyPathCodec.objectPath(utf8);
        Path file = BUCKET;
        for (String name : names) {
            assertThat(name).isNotEmpty().hasSizeLessThanOrEqualTo(KeyPathCodec.MAX_PIECE_CHARS + 2)
                    .doesNotContain("/", "\\", "\0").doesNotStartWith(".");
            assertThat(name.chars()).allMatch(c -> c > 0x20 && c < 0x7F);
            file = file.resolve(name);
        }
        assertThat(file.normalize().startsWith(BUCKET)).isTrue();
        assertThat(file.getNameCount()).isEqualTo(BUCKET.getNameCount() + names.size());
        assertThat(decode(names)).isEqualTo(utf8);

        int lastSlash = key.lastIndexOf('/');
        byte[] prefix = key.substring(0, lastSlash + 1).getBytes(StandardCharsets.UTF_8);
        List<String> directories = KeyPathCodec.directoryPath(prefix);
        assertThat(names.subList(0, directories.size())).isEqualTo(directories);
    }

    /** The key bytes the names stand for, read as {@code BucketLister} reads a directory tree. */
    private static byte[] decode(List<String> names) {
        ByteArrayOutputStream key = new ByteArrayOutputStream();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            boolean object = name.endsWith(KeyPathCodec.OBJECT_SUFFIX);
            boolean continuation = name.endsWith(KeyPathCodec.CONTINUATION_SUFFIX);
            assertThat(object).as("only the last name is the object file").isEqualTo(i == names.size() - 1);
            String piece = object || continuation ? name.substring(0, name.length() - 2) : name;
            assertThat(KeyPathCodec.decodePiece(piece, key)).as(name).isTrue();
            if (!object && !continuation) {
                key.write('/');
            }
        }
        return key.toByteArray();
    }
}
