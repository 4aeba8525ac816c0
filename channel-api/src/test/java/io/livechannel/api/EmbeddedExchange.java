package io.livechannel.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** One request's bytes into an {@link EmbeddedChannel} running the API pipeline, the bytes it answered out. */
final class EmbeddedExchange {
    private EmbeddedExchange() {
    }

    /** Writes {@code request}, runs tasks until nothing more is written, returns the output as ISO-8859-1. */
    static String exchange(EmbeddedChannel channel, String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int round = 0; round < 1000; round++) {
            channel.runPendingTasks();
            Object o;
            boolean any = false;
            while ((o = channel.readOutbound()) != null) {
                any = true;
                ByteBuf buf = o instanceof HttpContent c ? c.content() : (ByteBuf) o;
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                out.writeBytes(bytes);
                ReferenceCountUtil.release(o);
            }
            if (!any && !channel.hasPendingTasks()) {
                break;
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
