package io.livechannel.api.route;

import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.StoredObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Conditional GET/HEAD (RFC 9110 §13.2.2 order): If-Match, then If-Unmodified-Since (412 PreconditionFailed),
 * then If-None-Match, then If-Modified-Since (304). ETags compare without quotes; dates at second precision; an
 * unparseable date is ignored, as RFC 9110 requires.
 */
final class Conditions {
    private Conditions() {
    }

    /** {@code null} to serve the object, 304 to answer Not Modified; throws 412. */
    static HttpResponseStatus check(OssRequest request, StoredObject o) throws OssException {
        String ifMatch = request.headers().get("If-Match");
        if (ifMatch != null && !etagMatches(ifMatch, o.etag())) {
            throw failed("If-Match");
        }
        Instant modified = o.lastModified().truncatedTo(ChronoUnit.SECONDS);
        Instant unmodifiedSince = date(request.headers().get("If-Unmodified-Since"));
        if (ifMatch == null && unmodifiedSince != null && modified.isAfter(unmodifiedSince)) {
            throw failed("If-Unmodified-Since");
        }
        String ifNoneMatch = request.headers().get("If-None-Match");
        if (ifNoneMatch != null) {
            return etagMatches(ifNoneMatch, o.etag()) ? HttpResponseStatus.NOT_MODIFIED : null;
        }
        Instant modifiedSince = date(request.headers().get("If-Modified-Since"));
        if (modifiedSince != null && !modified.isAfter(modifiedSince)) {
            return HttpResponseStatus.NOT_MODIFIED;
        }
        return null;
    }

    private static boolean etagMatches(String header, String etag) {
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals("*") || c.replace("\"", "").equalsIgnoreCase(etag)) {
                return true;
            }
        }
        return false;
    }

    private static Instant date(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static OssException failed(String header) {
        return new OssException(OssErrorCode.PRECONDITION_FAILED, "At least one of the pre-conditions you "
                + "specified did not hold.", OssException.ErrorDetails.of("Header", header));
    }
}
