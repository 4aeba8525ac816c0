package io.livechannel.bench.rtmpclient;

/**
 * What a publishing client needs from a server command message (RTMP spec §7.2.1.1 and §7.2.2): the command
 * name, the transaction id, the stream id a {@code _result} of createStream returns, and the {@code code} of an
 * {@code onStatus} info object.
 *
 * @param name          command name ({@code _result}, {@code _error}, {@code onStatus}, {@code onBWDone}, ...)
 * @param transactionId transaction id (0 for onStatus)
 * @param resultNumber  the first number after the command object, NaN when absent (createStream's stream id)
 * @param statusCode    the {@code code} property of the first object with one, or "" when there is none
 */
public record ServerReply(String name, double transactionId, double resultNumber, String statusCode) {
}
