package io.livechannel.rtmp.message;

import io.livechannel.rtmp.chunk.MessageType;
import java.util.Objects;

/** Set Peer Bandwidth (RTMP spec §5.4.5, type 6): window size and limit type. */
public record SetPeerBandwidth(long windowSizeBytes, LimitType limitType) implements RtmpMessage {
    public SetPeerBandwidth {
        Objects.requireNonNull(limitType, "limitType");
    }

    /** The limit type byte; an unknown value is read as {@link #DYNAMIC} (the receiver may treat it as soft). */
    public enum LimitType {
        HARD(0), SOFT(1), DYNAMIC(2);

        private final int id;

        LimitType(int id) {
            this.id = id;
        }

        public int id() {
            return id;
        }

        static LimitType of(int id) {
            return id == 0 ? HARD : id == 1 ? SOFT : DYNAMIC;
        }
    }

    @Override
    public MessageType type() {
        return MessageType.SET_PEER_BANDWIDTH;
    }
}
