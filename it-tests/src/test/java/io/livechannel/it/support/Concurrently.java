package io.livechannel.it.support;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting for work a test runs beside its main thread (a second server starting, checks of stored media while
 * more is pushed), so that a failure there fails the test with what the task threw.
 */
public final class Concurrently {
    private Concurrently() {
    }

    /** Waits for {@code task} and returns its result; its failure is rethrown as thrown (an assertion stays one). */
    public static <T> T result(Future<T> task) throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
