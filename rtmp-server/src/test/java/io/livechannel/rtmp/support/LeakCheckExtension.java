package io.livechannel.rtmp.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Netty's leak detector (paranoid in Surefire) reported a ByteBuf leak while it ran.
 * Registered for every test class of the module through {@code META-INF/services} (STYLE B9.8).
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {
    private final ListAppender<ILoggingEvent> leaks = new ListAppender<>();
    private final Logger detectorLog = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        leaks.start();
        detectorLog.addAppender(leaks);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            for (int round = 0; round < 3; round++) {
                System.gc();
                for (int i = 0; i < 64; i++) { // the detector reports collected leaks when it tracks a new buffer
                    ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1);
                    probe.release();
                }
            }
            List<String> reports = leaks.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("LEAK")).toList();
            if (!reports.isEmpty()) {
                throw new AssertionError(reports.size() + " ByteBuf leak(s) in " + context.getDisplayName() + ":\n"
                        + reports.get(0));
            }
        } finally {
            detectorLog.detachAppender(leaks);
        }
    }
}
