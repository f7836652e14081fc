package qcowdesk.cli.support;

import java.util.function.Consumer;
import java.util.function.Supplier;

import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The field an option of a model built in code ({@link CommandModel}) keeps its value in, read and written through
 * the given accessors. picocli reaches an annotated option's field by reflection; an option set shared by annotated
 * commands and models built in code binds its options here to those same fields, so it holds each value once and
 * reads it one way whichever kind of command parsed it.
 *
 * <p>A named class rather than a lambda implementing picocli's interfaces: such a lambda would link picocli's
 * classes while the class-data-sharing archive is dumped, and picocli's classes can only be archived unlinked.
 */
public final class OptionField<T> implements IGetter, ISetter {

    private final Supplier<T> read;
    private final Consumer<T> write;

    public OptionField(Supplier<T> read, Consumer<T> write) {
        this.read = read;
        this.write = write;
    }

    /**
     * {@code option} keeping its value in this field. Its initial value (what picocli puts back before it parses)
     * is the field's value now, as picocli takes an annotated field's: without it picocli would write null, which a
     * primitive field cannot hold.
     */
    public OptionSpec.Builder bind(OptionSpec.Builder option) {
        return option.getter(this).setter(this).initialValue(read.get());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V get() {
        return (V) read.get();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V set(V value) {
        V previous = get();
        write.accept((T) value);
        return previous;
    }
}
