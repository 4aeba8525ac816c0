package io.livechannel.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * An open object: its attributes, the range being served ({@code null} for the whole object) and the bytes.
 * The caller owns it and closes it.
 */
public record ObjectStream(StoredObject object, ByteRange range, InputStream content) implements AutoCloseable {
    /** Bytes {@link #content()} yields. */
    public long contentLength() {
        return range == null ? object.size() : range.length();
    }

    @Override
    public void close() throws IOException {
        content.close();
    }
}
