package io.livechannel.api;

import io.livechannel.storage.ObjectStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an object body to the client in pieces of {@value #CHUNK_BYTES} bytes without loading the object
 * into memory and without blocking the event loop:
 * <ol>
 *   <li>event loop: write the response head;</li>
 *   <li>storage executor: read the next piece from the {@link ObjectStream} into a pooled buffer;</li>
 *   <li>event loop: write it; when that write completes (the socket took it), go to 2.</li>
 * </ol>
 * One piece is in flight at a time, so a slow client holds at most one piece of memory (backpressure through
 * write completion). A stream that ends early closes the connection (its Content-Length cannot be honoured).
 *
 * <p>Ownership: each buffer is allocated on the storage thread and handed to the event loop, which passes it
 * to {@code ctx.write} (Netty releases it, also on a failed write); if the hand-off is rejected the buffer is
 * released here. The stream is closed on the storage executor when done, failed or the channel closes.
 */
final class ObjectBodyWriter {
    private static final Logger log = LoggerFactory.getLogger(ObjectBodyWriter.class);
    /** Big enough for few round trips per 1 MB segment, small enough to bound memory per slow client. */
    static final int CHUNK_BYTES = 64 * 1024;

    private final ChannelHandlerContext ctx;
    private final ObjectStream stream;
    private final Executor storage;
    private final Runnable onDone;
    private long remaining;

    ObjectBodyWriter(ChannelHandlerContext ctx, ObjectStream stream, Executor storage, Runnable onDone) {
        this.ctx = ctx;
        this.stream = stream;
        this.storage = storage;
        this.onDone = onDone;
        this.remaining = stream.contentLength();
    }

    /** Writes {@code head} (with Content-Length set here) and starts the body; event loop only. */
    void start(HttpResponse head) {
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, remaining);
        ChannelFuture f = ctx.writeAndFlush(head);
        if (remaining == 0) {
            ctx.writeAndFlush(new DefaultLastHttpContent()).addListener(done -> finish(done.isSuccess()));
            return;
        }
        f.addListener(done -> {
            if (done.isSuccess()) {
                readNext();
            } else {
                finish(false);
            }
        });
    }

    private void readNext() {
        try {
            storage.execute(this::readPiece);
        } catch (RejectedExecutionException e) {
            finish(false);
        }
    }

    /** Storage executor. */
    private void readPiece() {
        int want = (int) Math.min(CHUNK_BYTES, remaining);
        ByteBuf buf = ctx.alloc().buffer(want);
        boolean handedOff = false;
        try {
            InputStream in = stream.content();
            while (buf.readableBytes() < want) {
                if (buf.writeBytes(in, want - buf.readableBytes()) < 0) {
                    break;
                }
            }
            ByteBuf piece = buf;
            ctx.executor().execute(() -> writePiece(piece));
            handedOff = true;
        } catch (IOException | RejectedExecutionException e) {
            log.debug("object body of {} aborted: {}", ctx.channel().remoteAddress(), e.toString());
            finish(false);
        } finally {
            if (!handedOff) {
                buf.release();
            }
        }
    }

    /** Event loop; takes ownership of {@code piece}. */
    private void writePiece(ByteBuf piece) {
        int n = piece.readableBytes();
        if (n == 0 || !ctx.channel().isActive()) {
            piece.release();
            finish(false); // stream ended before Content-Length, or the client went away
            return;
        }
        remaining -= n;
        boolean last = remaining <= 0;
        ChannelFuture f = ctx.writeAndFlush(last ? new DefaultLastHttpContent(piece) : new DefaultHttpContent(piece));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                finish(false);
            } else if (last) {
                finish(true);
            } else {
                readNext();
            }
        });
    }

    private void finish(boolean complete) {
        try {
            storage.execute(this::closeStream);
        } catch (RejectedExecutionException e) {
            closeStream();
        }
        if (!complete) {
            ctx.channel().close();
        }
        onDone.run();
    }

    private void closeStream() {
        try {
            stream.close();
        } catch (IOException e) {
            log.debug("closing object stream: {}", e.toString());
        }
    }
}
