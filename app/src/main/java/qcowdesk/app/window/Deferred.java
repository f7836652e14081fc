package qcowdesk.app.window;

import java.util.Optional;
import java.util.function.Supplier;

/** A view built the first time it is wanted (on the FX thread, like every view), then the same one. */
final class Deferred<T> implements Supplier<T> {

    private final Supplier<T> build;
    private T built;

    Deferred(Supplier<T> build) {
        this.build = build;
    }

    @Override
    public T get() {
        if (built == null) {
            built = build.get();
        }
        return built;
    }

    /** The view if it was built; never builds it. */
    Optional<T> ifBuilt() {
        return Optional.ofNullable(built);
    }
}
