package qcowdesk.cli;

import qcowdesk.cli.support.Program;
import qcowdesk.cli.support.ErrorMessages;
import qcowdesk.cli.support.CliFailure;
import qcowdesk.cli.support.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import qcowdesk.cli.support.CommandModel;
import qcowdesk.cli.contents.CatCommand;
import qcowdesk.cli.contents.DuCommand;
import qcowdesk.cli.contents.ExtractCommand;
import qcowdesk.cli.contents.LsCommand;
import qcowdesk.cli.contents.PartsCommand;
import qcowdesk.cli.device.AttachCommand;
import qcowdesk.cli.device.DaemonCommand;
import qcowdesk.cli.device.DetachCommand;
import qcowdesk.cli.device.FnameCommand;
import qcowdesk.cli.device.ListCommand;
import qcowdesk.cli.device.MountCommand;
import qcowdesk.cli.device.UmountCommand;
import qcowdesk.cli.device.StatCommand;
import qcowdesk.cli.image.CheckCommand;
import qcowdesk.cli.image.CreateCommand;
import qcowdesk.cli.image.InfoCommand;
import qcowdesk.cli.image.MapCommand;
import qcowdesk.cli.lifecycle.CompactCommand;
import qcowdesk.cli.lifecycle.CommitCommand;
import qcowdesk.cli.lifecycle.CompareCommand;
import qcowdesk.cli.lifecycle.ConvertCommand;
import qcowdesk.cli.lifecycle.MeasureCommand;
import qcowdesk.cli.lifecycle.RebaseCommand;
import qcowdesk.cli.lifecycle.ResizeCommand;
import qcowdesk.cli.lifecycle.SnapshotCommand;
import qcowdesk.cli.serve.ServeCommand;

/**
 * {@code qcowctl}: QCOW2 images on the command line, and the attached devices of QcowDesk, vnconfig style. The
 * top level's picocli model is built in code ({@link CommandModel}), as are those of {@code info} and {@code serve}.
 */
public final class Qcowctl implements Callable<Integer> {

    /** What the error prefix and help show as the program name. */
    public static final String NAME = Program.NAME;

    private static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

    /**
     * Every subcommand by its name, in the order help lists them. Only the one named first on the command line
     * is registered with picocli, which builds a command's model by reflecting over its fields and annotations:
     * for all of them that was most of a short command's start-up. Help, {@code -l} and anything unknown get
     * them all. {@code QcowctlCommandsTest} keeps the names equal to the commands' own.
     */
    static final Map<String, Class<?>> COMMANDS = commands(CreateCommand.class, "create", InfoCommand.class, "info",
            MapCommand.class, "map", CheckCommand.class, "check", MeasureCommand.class, "measure",
            CompareCommand.class, "compare", ConvertCommand.class, "convert", ResizeCommand.class, "resize",
            CompactCommand.class, "compact", SnapshotCommand.class, "snapshot", CommitCommand.class, "commit",
            RebaseCommand.class, "rebase", ServeCommand.class, "serve", AttachCommand.class, "attach",
            DetachCommand.class, "detach", ListCommand.class, "list", FnameCommand.class, "fname",
            StatCommand.class, "stat", DaemonCommand.class, "daemon", MountCommand.class, "mount",
            UmountCommand.class, "umount", PartsCommand.class, "parts", LsCommand.class, "ls", CatCommand.class, "cat",
            ExtractCommand.class, "extract", DuCommand.class, "du", CommandLine.HelpCommand.class, "help");

    private final CommandSpec spec;
    private final OptionSpec list;

    private Qcowctl() {
        spec = CommandModel.of(this, NAME);
        spec.versionProvider(new Version());
        spec.usageMessage()
                .sortOptions(false)
                .description("Create, inspect and check QCOW2 images, serve them over NBD, and manage the devices "
                        + "attached in a running QcowDesk (the desktop app or 'qcowctl daemon').")
                .footerHeading("%nExamples:%n")
                .footer("  qcowctl create disk.qcow2 20G",
                        "  qcowctl info disk.qcow2",
                        "  qcowctl serve disk.qcow2       # prints nbd+unix:///qcow0?socket=...",
                        "  qcowctl daemon &               # a headless device owner",
                        "  qcowctl attach disk.qcow2      # prints qcow0 and its NBD URI",
                        "  qcowctl -l",
                        "  qcowctl mount disk.qcow2 /mnt/disk   # attach, mount; 'qcowctl umount /mnt/disk' undoes both",
                        "  qcowctl detach qcow0",
                        "  qcowctl parts disk.qcow2       # partitions and filesystems inside",
                        "  qcowctl ls -l disk.qcow2:1 /etc",
                        "",
                        "Exit status: 0 success, 1 operation refused or failed, 2 usage error",
                        "(check: 2 corruptions found, 3 only leaked clusters found).",
                        "Set QCOWCTL_DEBUG=1 to see the stack trace behind an error.");
        list = CommandModel.flag(spec, "List the attached devices (the same as 'qcowctl list').", "-l");
        CommandModel.addStandardHelp(spec);
    }

    /** The top level's picocli model, without subcommands; parsing it fills a new instance. */
    static CommandSpec model() {
        return new Qcowctl().spec;
    }

    public static void main(String[] args) {
        EarlyStart.begin(args);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int status = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Runs one command line in this process, printing to {@code out} and {@code err}; returns the exit status. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        skipUnusedConverters();
        CommandLine commandLine = new CommandLine(model(), CommandModel.FACTORY);
        Class<?> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null && named != CommandLine.HelpCommand.class) {
            commandLine.addSubcommand(model(named));
        } else if (!(args.length == 1 && (args[0].equals("--version") || args[0].equals("-V")))) {
            for (Class<?> command : COMMANDS.values()) {
                commandLine.addSubcommand(model(command));
            }
        }
        commandLine.setOut(out);
        commandLine.setErr(err);
        // named classes, not lambdas: a lambda implementing a picocli interface links picocli's classes while the
        // class-data-sharing archive is dumped, and picocli's (Java 5) classes can only be archived unlinked
        commandLine.setParameterExceptionHandler(new UsageErrors());
        commandLine.setExecutionExceptionHandler(new Failures());
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (CommandModel.isSet(list)) {
            CommandLine listCommand = spec.commandLine().getSubcommands().get("list");
            if (listCommand == null) {
                throw new CliFailure(ExitCodes.REFUSED, "device commands are not available in this build");
            }
            return listCommand.execute();
        }
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    /** What picocli is given for a command: the model built in code for those that have one, else the class. */
    static Object model(Class<?> command) {
        if (command == InfoCommand.class) {
            return InfoCommand.model();
        }
        if (command == ServeCommand.class) {
            return ServeCommand.model();
        }
        return command;
    }

    private static Map<String, Class<?>> commands(Object... classAndName) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < classAndName.length; i += 2) {
            byName.put((String) classAndName[i + 1], (Class<?>) classAndName[i]);
        }
        return Collections.unmodifiableMap(byName);
    }

    /**
     * Every command line builds picocli's table of built-in converters, which looks up (and so loads and
     * initialises) the java.sql and java.time types by reflection; no option of ours has such a type. A value the
     * user set for the property is kept.
     */
    private static void skipUnusedConverters() {
        if (System.getProperty(CONVERTER_EXCLUDES) == null) {
            System.setProperty(CONVERTER_EXCLUDES, "java\\.sql\\..*,java\\.time\\..*");
        }
    }

    /** A usage error: one line naming the problem and the help to read; exit status 2. */
    private static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException problem, String[] args) {
            CommandLine where = problem.getCommandLine();
            String help = where.getCommandSpec().qualifiedName() + " --help";
            where.getErr().println(NAME + ": " + problem.getMessage() + " (see '" + help + "')");
            return ExitCodes.USAGE;
        }
    }

    /** A command that failed: its message (and with QCOWCTL_DEBUG its stack trace); the exit status it chose. */
    private static final class Failures implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception failure, CommandLine where, CommandLine.ParseResult parsed) {
            PrintWriter err = where.getErr();
            if (System.getenv("QCOWCTL_DEBUG") != null) {
                failure.printStackTrace(err);
            }
            err.println(NAME + ": " + ErrorMessages.describe(failure));
            return failure instanceof CliFailure cli ? cli.exitCode() : ExitCodes.REFUSED;
        }
    }

    /** The version from the build (resource filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Qcowctl.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {NAME + " " + properties.getProperty("version", "unknown")};
        }
    }
}
