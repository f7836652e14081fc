package qcowdesk.cli.support;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli models built in code, for the commands a user runs most ({@code info}, {@code serve}) and the top level.
 * picocli would otherwise build them by reflecting over annotations, and the JDK makes every annotation a proxy
 * object whose class it generates at run time: together most of a short command's start-up. The help, the
 * messages and the exit statuses are picocli's own either way ({@code CommandModelTest} compares them with what the
 * annotated commands printed).
 */
public final class CommandModel {

    /**
     * picocli's default factory, made only when a command needs one (an annotated command, a converter class).
     * Its class initialisation looks for Groovy's Closure class; that miss made the class loader open and index
     * the whole application jar, which nothing else of {@code info} or {@code serve} needs.
     */
    public static final IFactory FACTORY = new DeferredFactory();

    private CommandModel() {
    }

    /** A model whose command is {@code command} (its {@code call()} runs), named {@code name}. */
    public static CommandSpec of(Object command, String name) {
        return CommandSpec.wrapWithoutInspection(command, FACTORY).name(name);
    }

    /**
     * {@code -h, --help} and {@code -V, --version}, as picocli's {@code mixinStandardHelpOptions} adds them (same
     * names and words), without the reflection over picocli's own annotated mixin that the attribute costs.
     */
    public static void addStandardHelp(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
    }

    /** An option without a value ({@code --json}); {@link #isSet} tells whether it was given. */
    public static OptionSpec flag(CommandSpec spec, String description, String... names) {
        OptionSpec flag = OptionSpec.builder(names).type(boolean.class).description(description).build();
        spec.addOption(flag);
        return flag;
    }

    /** An option without a value, which sets {@code field} to true when given. */
    public static OptionSpec flag(CommandSpec spec, OptionField<Boolean> field, String description, String... names) {
        OptionSpec flag = field.bind(OptionSpec.builder(names)).type(boolean.class).description(description).build();
        spec.addOption(flag);
        return flag;
    }

    /** An option with one value of {@code type}, shown as {@code label} in the help; its value is null when absent. */
    public static OptionSpec option(CommandSpec spec, Class<?> type, String label, String description,
                                    String... names) {
        OptionSpec option = OptionSpec.builder(names).type(type).paramLabel(label).description(description).build();
        spec.addOption(option);
        return option;
    }

    /** An option with one value of {@code type}, kept in {@code field}, shown as {@code label} in the help. */
    public static <T> OptionSpec option(CommandSpec spec, OptionField<T> field, Class<T> type, String label,
                                        String description, String... names) {
        OptionSpec option = field.bind(OptionSpec.builder(names)).type(type).paramLabel(label)
                .description(description).build();
        spec.addOption(option);
        return option;
    }

    /**
     * An option that may be given many times, each with one text value, collected in the list {@code field} holds
     * (picocli puts a new one there at the first value).
     */
    public static OptionSpec repeatable(CommandSpec spec, OptionField<List<String>> field, String label,
                                        String description, String... names) {
        OptionSpec option = field.bind(OptionSpec.builder(names)).type(List.class).auxiliaryTypes(String.class)
                .paramLabel(label).description(description).build();
        spec.addOption(option);
        return option;
    }

    /** A required positional parameter of {@code type} and the given arity ("1", "1..*"). */
    public static PositionalParamSpec parameter(CommandSpec spec, Class<?> type, String arity, String label,
                                                String description) {
        PositionalParamSpec parameter = PositionalParamSpec.builder().type(type).arity(arity).required(true)
                .paramLabel(label).description(description).build();
        spec.addPositional(parameter);
        return parameter;
    }

    public static boolean isSet(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }

    /**
     * Makes the list a repeatable option or parameter collects its values in (what picocli's default factory would
     * make for {@code List}); hands every other request to picocli's default factory, made at the first one.
     */
    private static final class DeferredFactory implements IFactory {
        private IFactory factory;

        @Override
        public synchronized <K> K create(Class<K> type) throws Exception {
            if (type == List.class) {
                return type.cast(new ArrayList<>());
            }
            if (factory == null) {
                factory = CommandLine.defaultFactory();
            }
            return factory.create(type);
        }
    }

    /** The option's value, or {@code absent} when it was not given. */
    public static <T> T valueOr(OptionSpec option, T absent) {
        T value = option.getValue();
        return value == null ? absent : value;
    }
}
