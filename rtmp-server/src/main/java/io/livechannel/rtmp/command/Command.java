package io.livechannel.rtmp.command;

import java.util.Objects;

/**
 * The commands of the publish flow (RTMP spec §7.2.1, §7.2.2, plus the Flash Media Server commands FFmpeg, OBS
 * and GStreamer send: {@code releaseStream}, {@code FCPublish}, {@code FCUnpublish}), parsed once by
 * {@link CommandParser}. Every other command is {@link Other} and is ignored.
 */
public sealed interface Command {
    double transactionId();

    /** {@code connect}: the application and the tcUrl from the command object (tcUrl may be empty). */
    record Connect(double transactionId, String app, String tcUrl) implements Command {
        public Connect {
            Objects.requireNonNull(app, "app");
            Objects.requireNonNull(tcUrl, "tcUrl");
        }
    }

    record ReleaseStream(double transactionId, String streamName) implements Command {
    }

    record FcPublish(double transactionId, String streamName) implements Command {
    }

    record CreateStream(double transactionId) implements Command {
    }

    /**
     * {@code publish}: sent on the message stream it publishes to.
     *
     * @param publishName the stream name with any query, for example {@code cam1?Expires=...}
     * @param publishType {@code live}, {@code record} or {@code append}; empty when absent
     */
    record Publish(double transactionId, int messageStreamId, String publishName, String publishType)
            implements Command {
        public Publish {
            Objects.requireNonNull(publishName, "publishName");
            Objects.requireNonNull(publishType, "publishType");
        }
    }

    record FcUnpublish(double transactionId, String streamName) implements Command {
    }

    record DeleteStream(double transactionId, int streamId) implements Command {
    }

    /** {@code closeStream} (GStreamer's rtmp2sink sends it): ends the publish on its message stream. */
    record CloseStream(double transactionId, int messageStreamId) implements Command {
    }

    /** Any other command ({@code _checkbw}, {@code getStreamLength}, {@code play}, responses): ignored. */
    record Other(String name, double transactionId) implements Command {
    }
}
