package io.livechannel.api.route;

import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.BucketAcl;
import java.util.regex.Pattern;

/** The {@code x-oss-acl} header and bucket-name rules shared by PutBucket and PutBucketAcl. */
final class BucketAcls {
    /** livechannel.md "Model": 3..63 of {@code a-z 0-9 -}, starting and ending with a letter or digit. */
    static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");

    private BucketAcls() {
    }

    /** The ACL of {@code x-oss-acl}, or {@code fallback} when the header is absent. */
    static BucketAcl fromHeader(OssRequest request, BucketAcl fallback) throws OssException {
        String value = request.headers().get("x-oss-acl");
        if (value == null) {
            return fallback;
        }
        try {
            return BucketAcl.ofWireValue(value.trim());
        } catch (IllegalArgumentException e) {
            throw ChannelConfigParser.invalid("x-oss-acl must be private, public-read or public-read-write, not '"
                    + ChannelConfigParser.shorten(value) + "'");
        }
    }
}
