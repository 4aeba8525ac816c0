package io.livechannel.api.route;

import io.livechannel.storage.ByteRange;

/**
 * The {@code Range} header of GetObject (RFC 9110 §14.1.2, wire spec §7.2): {@code bytes=a-b},
 * {@code bytes=a-} and {@code bytes=-n}; of several ranges only the first is served, as OSS does.
 * {@link #resolve} returns {@code null} when the header is absent, malformed or unsatisfiable: OSS then serves
 * the whole object with 200, unless the client asked for {@code x-oss-range-behavior: standard} (416).
 */
final class RangeHeader {
    /** Longest header parsed; a longer one is treated as malformed without scanning it. */
    static final int MAX_HEADER_CHARS = 256;

    private RangeHeader() {
    }

    /** Outcome of parsing against an object size. */
    enum Kind { ABSENT, SATISFIABLE, INVALID }

    record Result(Kind kind, ByteRange range) {
    }

    static Result resolve(String header, long size) {
        if (header == null) {
            return new Result(Kind.ABSENT, null);
        }
        String h = header.trim();
        if (h.length() > MAX_HEADER_CHARS || !h.startsWith("bytes=")) {
            return new Result(Kind.INVALID, null);
        }
        String spec = h.substring("bytes=".length());
        int comma = spec.indexOf(',');
        if (comma >= 0) {
            spec = spec.substring(0, comma);
        }
        spec = spec.trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Result(Kind.INVALID, null);
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                long n = Long.parseLong(b);
                if (n <= 0 || size == 0) {
                    return new Result(Kind.INVALID, null);
                }
                return new Result(Kind.SATISFIABLE, new ByteRange(Math.max(0, size - n), size - 1));
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (first < 0 || first >= size || last < first) {
                return new Result(Kind.INVALID, null);
            }
            return new Result(Kind.SATISFIABLE, new ByteRange(first, last));
        } catch (NumberFormatException e) {
            return new Result(Kind.INVALID, null);
        }
    }
}
