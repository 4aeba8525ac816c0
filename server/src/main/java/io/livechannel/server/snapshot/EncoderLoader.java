package io.livechannel.server.snapshot;

import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the {@link JpegEncoder} once, when first needed, and remembers why it could not: from then on
 * snapshots are off. Thread-safe; {@link #get} blocks the snapshot threads (never an event loop) while it loads.
 */
final class EncoderLoader {
    private static final Logger log = LoggerFactory.getLogger(EncoderLoader.class);

    /** What loads the encoder; may throw with the reason it cannot. */
    interface Load {
        JpegEncoder load() throws IOException;
    }

    private final Load load;
    private JpegEncoder encoder;
    /** Why there is no encoder, once known; {@code null} while it is or may be there. */
    private volatile String failure;

    EncoderLoader(Load load, Optional<String> knownFailure) {
        this.load = load;
        this.failure = knownFailure.orElse(null);
    }

    /** FFmpeg in process, off at once when this jar has no build for the platform. */
    static EncoderLoader libav() {
        return new EncoderLoader(LibavJpegEncoder::load, LibavJpegEncoder.platformProblem());
    }

    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The encoder, loading it on the first call (one WARN line when it does not load). */
    synchronized JpegEncoder get() throws IOException {
        if (failure != null) {
            throw new IOException("snapshots are off: " + failure);
        }
        if (encoder == null) {
            try {
                long start = System.nanoTime();
                encoder = load.load();
                log.info("snapshot decoder loaded in {} ms", (System.nanoTime() - start) / 1_000_000);
            } catch (IOException | RuntimeException | LinkageError e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
                log.warn("snapshots are off: {}; channels' Snapshot settings are stored and echoed, but no snapshot "
                        + "is taken", failure);
                throw new IOException("snapshots are off: " + failure, e);
            }
        }
        return encoder;
    }
}
