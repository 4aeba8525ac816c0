package io.livechannel.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats instants as HTTP dates ({@link #HTTP_DATE}), reusing the text of the last second formatted: the
 * {@code Date} of every response and the {@code Last-Modified} of a hot playlist repeat within a second, and
 * formatting costs more than the rest of a small response's headers. One instance per kind of date, so that
 * the two do not evict each other.
 *
 * <p>Threading: any thread; racing threads may each format the same second, and either result is right.
 */
public final class HttpDateCache {
    /** RFC 1123 with a two-digit day, as the SDKs' parsers expect ({@code Sat, 05 Dec 2015 11:10:29 GMT}). */
    public static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record FormattedSecond(long epochSecond, String text) {
    }

    private volatile FormattedSecond last = new FormattedSecond(Long.MIN_VALUE, "");

    /** {@link #HTTP_DATE} of {@code instant} (sub-second parts are not shown). */
    public String format(Instant instant) {
        FormattedSecond cached = last;
        if (cached.epochSecond() != instant.getEpochSecond()) {
            cached = new FormattedSecond(instant.getEpochSecond(), HTTP_DATE.format(instant));
            last = cached;
        }
        return cached.text();
    }
}
