package qcowdesk.app;

import javafx.application.Platform;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Test helpers that read and wait on JavaFX state from the FX thread, where it lives. */
public final class Fx {

    private Fx() {
    }

    /** Evaluates {@code query} on the FX thread. */
    public static <T> T get(Callable<T> query) {
        if (Platform.isFxApplicationThread()) {
            try {
                return query.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(query));
    }

    /** Runs {@code action} on the FX thread and waits for it. */
    public static void run(Runnable action) {
        get(() -> {
            action.run();
            return null;
        });
    }

    /** Waits until {@code condition} (evaluated on the FX thread) holds; fails with {@code what} after the timeout. */
    public static void await(Duration timeout, String what, Callable<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!get(condition)) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            WaitForAsyncUtils.sleep(50, TimeUnit.MILLISECONDS);
        }
    }

    public static void await(String what, Callable<Boolean> condition) {
        await(Duration.ofSeconds(20), what, condition);
    }

    /** Describes the current value for failure messages. */
    public static String describe(Supplier<Object> value) {
        return String.valueOf(get(value::get));
    }
}
