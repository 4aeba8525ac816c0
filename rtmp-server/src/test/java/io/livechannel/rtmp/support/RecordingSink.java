package io.livechannel.rtmp.support;

import io.livechannel.rtmp.EndReason;
import io.livechannel.rtmp.MediaSink;
import io.livechannel.rtmp.PublishListener;
import io.livechannel.rtmp.PublishSessionInfo;
import io.livechannel.rtmp.amf.AmfValue;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what one publish delivered: frames (kind, timestamp, first two body bytes, size), metadata, end. */
public final class RecordingSink implements MediaSink {
    public record Frame(char kind, long timestampMillis, int firstByte, int secondByte, int size) {
    }

    public final PublishSessionInfo info;
    public final List<Frame> frames = Collections.synchronizedList(new ArrayList<>());
    public final CompletableFuture<EndReason> end = new CompletableFuture<>();
    public final List<AmfValue> metaData = Collections.synchronizedList(new ArrayList<>());
    public final List<String> threads = Collections.synchronizedList(new ArrayList<>());
    private int calls;

    RecordingSink(PublishSessionInfo info) {
        this.info = info;
    }

    @Override
    public void onVideo(long timestampMillis, ByteBuf body) {
        record('V', timestampMillis, body);
    }

    @Override
    public void onAudio(long timestampMillis, ByteBuf body) {
        record('A', timestampMillis, body);
    }

    private void record(char kind, long ts, ByteBuf body) {
        int r = body.readerIndex();
        frames.add(new Frame(kind, ts, body.getUnsignedByte(r), body.readableBytes() > 1 ? body.getUnsignedByte(r + 1) : -1,
                body.readableBytes()));
        if (calls++ % 50 == 0) {
            threads.add(Thread.currentThread().getName());
        }
    }

    @Override
    public void onMetaData(long timestampMillis, AmfValue value) {
        metaData.add(value);
    }

    @Override
    public void onPublishEnd(EndReason reason) {
        if (!end.complete(reason)) {
            throw new AssertionError("onPublishEnd called twice: " + reason);
        }
    }

    public List<Frame> frames(char kind) {
        synchronized (frames) {
            return frames.stream().filter(f -> f.kind() == kind).toList();
        }
    }

    /** A listener that records every publish. */
    public static final class Listener implements PublishListener {
        public final LinkedBlockingQueue<RecordingSink> sinks = new LinkedBlockingQueue<>();

        @Override
        public MediaSink onPublishStart(PublishSessionInfo info) {
            RecordingSink sink = new RecordingSink(info);
            sinks.add(sink);
            return sink;
        }

        public RecordingSink next(long seconds) throws InterruptedException {
            RecordingSink sink = sinks.poll(seconds, TimeUnit.SECONDS);
            if (sink == null) {
                throw new AssertionError("no publish started within " + seconds + " s");
            }
            return sink;
        }
    }
}
