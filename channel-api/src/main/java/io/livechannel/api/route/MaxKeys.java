package io.livechannel.api.route;

import io.livechannel.api.error.OssException;

/** The {@code max-keys} parameter of the list operations. */
final class MaxKeys {
    private MaxKeys() {
    }

    /** Empty gives {@code fallback}; a non-number or a value outside {@code min}..{@code max} is InvalidArgument. */
    static int parse(String value, int fallback, int min, int max) throws OssException {
        if (value.isEmpty()) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ChannelConfigParser.invalid("max-keys must be an integer in [" + min + ", " + max + "], not '"
                    + ChannelConfigParser.shorten(value) + "'");
        }
        if (n < min || n > max) {
            throw ChannelConfigParser.invalid("max-keys " + n + " is outside [" + min + ", " + max + "]");
        }
        return n;
    }
}
