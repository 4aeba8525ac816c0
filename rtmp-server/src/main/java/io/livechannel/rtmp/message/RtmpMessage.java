package io.livechannel.rtmp.message;

import io.livechannel.rtmp.chunk.MessageType;

/** A decoded RTMP message: the closed family the session handles. */
public sealed interface RtmpMessage
        permits SetChunkSize, Acknowledgement, WindowAcknowledgementSize, SetPeerBandwidth, UserControl,
        MediaMessage, CommandMessage, DataMessage {
    MessageType type();
}
