package io.livechannel.codec;

/**
 * Thrown by every parser of this module (FLV tag headers, {@code AvcDecoderConfigurationRecord}, {@code Sps},
 * {@code AudioSpecificConfig}) when its input is truncated, oversized or holds a value the format forbids.
 *
 * <p>The message names the structure, the field and the offending value or length, for example
 * {@code "AVCDecoderConfigurationRecord truncated: SPS 0 declares 4096 bytes, 12 remain"}. Parsers never let an
 * {@link IndexOutOfBoundsException} escape. The exception is unchecked because it describes client data, which the
 * caller skips and counts (a recoverable media error, STYLE.md B6), never a programming error.
 */
public final class MalformedMediaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedMediaException(String message) {
        super(message);
    }
}
