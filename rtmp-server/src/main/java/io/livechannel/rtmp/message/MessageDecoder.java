package io.livechannel.rtmp.message;

import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.chunk.RawMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * The {@link MessageReader} as a pipeline handler: {@link RawMessage} in, typed {@link RtmpMessage}s out. The
 * server's own pipeline does not use it (its session reads raw messages itself); clients and tests do.
 *
 * <p>Ownership: the raw message is released after decoding (by {@link MessageToMessageDecoder}); audio and video
 * messages hold a retained slice of its payload, released by their consumer. Errors throw
 * {@link RtmpProtocolException}. Threading: one instance per connection.
 */
public final class MessageDecoder extends MessageToMessageDecoder<RawMessage> {
    private final MessageReader reader;

    public MessageDecoder(int maxAmfDepth) {
        super(RawMessage.class);
        this.reader = new MessageReader(maxAmfDepth);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, RawMessage msg, List<Object> out) {
        reader.read(msg, out);
    }
}
