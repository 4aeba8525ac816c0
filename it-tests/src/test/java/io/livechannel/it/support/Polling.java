package io.livechannel.it.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits for a condition by probing it every {@value #INTERVAL_MILLIS} ms until a deadline, instead of sleeping a
 * guessed time. A failed wait says what was awaited and the last value seen.
 */
public final class Polling {
    /** Within the 100-200 ms the end-to-end tests agreed on: fast enough to see every 2 s segment. */
    public static final long INTERVAL_MILLIS = 150;

    private Polling() {
    }

    /**
     * Returns the first probed value that satisfies {@code done}. An exception thrown by the probe fails the wait
     * at once (use {@link #awaitTolerating} when the probe may fail while waiting, say while a server restarts).
     */
    public static <T> T await(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
        return poll(what, timeout, probe, done, false);
    }

    /** Like {@link #await}, but an exception from the probe counts as "not yet" until the deadline. */
    public static <T> T awaitTolerating(String what, Duration timeout, Callable<T> probe,
            Predicate<? super T> done) {
        return poll(what, timeout, probe, done, true);
    }

    private static <T> T poll(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done,
            boolean tolerateErrors) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Throwable lastError = null;
        while (true) {
            try {
                last = probe.call();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception | AssertionError e) {
                if (!tolerateErrors) {
                    if (e instanceof AssertionError assertion) {
                        throw assertion;
                    }
                    throw new AssertionError("while waiting for " + what + ": " + e, e);
                }
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + "; last value: " + last + (lastError == null ? "" : "; last error: " + lastError));
                if (lastError != null) {
                    error.initCause(lastError);
                }
                throw error;
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(INTERVAL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while polling", e);
        }
    }
}
