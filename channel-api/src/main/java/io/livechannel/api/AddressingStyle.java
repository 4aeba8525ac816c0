package io.livechannel.api;

/** How a request names its bucket (wire spec §2.5). */
public enum AddressingStyle {
    /** {@code Host} is one of the server's names, {@code localhost} or an IP: {@code /<bucket>/<key>}. */
    PATH,
    /** {@code Host} is {@code <bucket>.<anything>}: the path is {@code /<key>}. */
    VIRTUAL_HOSTED
}
