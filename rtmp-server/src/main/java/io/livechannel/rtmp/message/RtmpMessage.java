package io.livechannel.rtmp.message;

/** A decoded RTMP message: the closed family the session handles. */
public sealed interface RtmpMessage
        permits SetChunkSize, Acknowledgement, WindowAcknowledgementSize, SetPeerBandwidth, UserControl,
        AudioMessage, VideoMessage, CommandMessage, DataMessage {
    MessageType type();
}
