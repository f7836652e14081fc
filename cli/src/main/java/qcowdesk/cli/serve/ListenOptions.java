package qcowdesk.cli.serve;

import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;

/**
 * Where {@code serve} listens: {@code --socket PATH}, or {@code --port N} with an optional {@code --bind ADDR}; one
 * or the other.
 *
 * <p>The model that parses has them as plain options and {@link #check} refuses the combinations, in the words
 * picocli's exclusive argument group used. As a group they cost start-up on every serve: picocli matched each of
 * them through its group machinery and, for a trace message nobody reads, rendered the group's synopsis (picocli's
 * whole help renderer) as soon as {@code --socket} was matched. The help still shows them as the group they are:
 * its synopsis is rendered from a model that has the group, built only when the help is printed.
 */
final class ListenOptions {

    private ListenOptions() {
    }

    /**
     * Adds the three options to {@code spec}: as the exclusive group {@code [--socket | [--port [--bind]]]} when
     * {@code grouped} (the model the help's synopsis is rendered from), else as plain options, with a synopsis
     * rendered from the model {@code grouped} makes.
     */
    static void addTo(CommandSpec spec, boolean grouped, OptionSpec socket, OptionSpec port, OptionSpec bind,
                      Supplier<CommandSpec> withGroup) {
        if (grouped) {
            ArgGroupSpec tcp = ArgGroupSpec.builder().exclusive(false).multiplicity("0..1").addArg(port)
                    .addArg(bind).build();
            spec.addArgGroup(ArgGroupSpec.builder().exclusive(true).multiplicity("0..1").addArg(socket)
                    .addSubgroup(tcp).build());
            return;
        }
        spec.addOption(socket);
        spec.addOption(port);
        spec.addOption(bind);
        spec.usageMessage().sectionMap().put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, new GroupedSynopsis(withGroup));
    }

    /**
     * Refuses an empty socket path, a Unix socket together with TCP options, and {@code --bind} without
     * {@code --port}; a parameter given twice picocli refuses itself.
     */
    static void check(CommandLine commandLine, Object socket, Object port, Object bind) {
        // an empty path reached the bind, whose error named no file: ": Invalid argument"
        if (socket != null && socket.toString().isEmpty()) {
            throw new ParameterException(commandLine, "--socket needs a path, got an empty one");
        }
        if (socket != null && (port != null || bind != null)) {
            throw new ParameterException(commandLine,
                    "Error: --socket=PATH and [-p=N [-b=ADDR]] are mutually exclusive (specify only one)");
        }
        if (bind != null && port == null) {
            throw new ParameterException(commandLine, "Error: Missing required argument(s): --port=N");
        }
    }

    /**
     * The synopsis of the model with the group, under the name and in the colours of the help being printed. A
     * named class, not a lambda: a lambda implementing picocli's interface would link picocli's classes while the
     * class-data-sharing archive is dumped.
     */
    private static final class GroupedSynopsis implements CommandLine.IHelpSectionRenderer {
        private final Supplier<CommandSpec> withGroup;

        GroupedSynopsis(Supplier<CommandSpec> withGroup) {
            this.withGroup = withGroup;
        }

        @Override
        public String render(Help help) {
            CommandSpec grouped = withGroup.get().name(help.commandSpec().qualifiedName());
            return new Help(grouped, help.colorScheme()).synopsis(help.synopsisHeadingLength());
        }
    }
}
