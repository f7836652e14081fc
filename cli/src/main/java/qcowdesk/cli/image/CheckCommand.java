package qcowdesk.cli.image;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.args.OutputFormat;
import qcowdesk.cli.format.CheckText;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.engine.qcow2.tools.CheckReport;
import qcowdesk.engine.qcow2.tools.ImageChecker;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.qcow2.tools.RepairMode;
import qcowdesk.engine.qcow2.tools.RepairReport;

/** {@code qcowctl check}: the consistency of an image's metadata, and its repair, like {@code qemu-img check}. */
@Command(name = "check", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Check the metadata of an image: every cluster's reference count against the references to "
                + "it. Leaked clusters waste space; corruptions may lose data.",
                "With --repair (or -r leaks), leaked clusters are freed; with -r all, corruptions are repaired too "
                        + "(the refcount structure is rebuilt when needed). The image is then checked again."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl check disk.qcow2", "  qcowctl check --repair disk.qcow2",
                "  qcowctl check -r all --json disk.qcow2", "",
                "Exit status, as qemu-img check: 0 no errors; 2 corruptions; 3 leaked clusters",
                "only; 1 the check itself failed (unreadable or unsupported image)."})
public final class CheckCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--repair", description = "Repair leaked clusters (the same as -r leaks).")
    private boolean repairLeaks;

    @Option(names = "-r", paramLabel = "leaks|all", description = "Repair: leaks (safe: only frees clusters nothing "
            + "uses) or all (also corruptions).")
    private String repairMode;

    @Mixin
    private OutputFormat output;

    @Parameters(paramLabel = "IMAGE", description = "The image file (not in use by a writer).")
    private Path image;

    @Override
    public Integer call() throws Exception {
        RepairMode mode = repairMode();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CheckReport report;
        long leaksFixed = 0;
        long corruptionsFixed = 0;
        if (mode == null) {
            report = ImageChecker.check(image, ProgressListener.NONE);
            printFindings(err, report);
        } else {
            RepairReport repair = ImageChecker.repair(image, mode, ProgressListener.NONE);
            printFindings(err, repair.before());
            report = repair.after();
            leaksFixed = repair.leaksFixed();
            corruptionsFixed = repair.corruptionsFixed();
            if (!output.json() && (leaksFixed > 0 || corruptionsFixed > 0)) {
                out.print(CheckText.repaired(leaksFixed, corruptionsFixed));
            }
        }
        if (output.json()) {
            ObjectNode json = (ObjectNode) QemuJson.tree(report);
            if (leaksFixed > 0) {
                json.put("leaks-fixed", leaksFixed);
            }
            if (corruptionsFixed > 0) {
                json.put("corruptions-fixed", corruptionsFixed);
            }
            out.println(QemuJson.pretty(json));
        } else {
            out.print(CheckText.summary(QemuJson.tree(report)));
        }
        return exitCode(report);
    }

    /** qemu-img check's statuses: a failed check first, then corruptions, then leaks. */
    static int exitCode(CheckReport report) {
        if (report.checkErrors() > 0) {
            return ExitCodes.REFUSED;
        }
        if (report.corruptions() > 0) {
            return ExitCodes.CHECK_CORRUPT;
        }
        return report.leaks() > 0 ? ExitCodes.CHECK_LEAKS : ExitCodes.OK;
    }

    private RepairMode repairMode() {
        if (repairMode == null) {
            return repairLeaks ? RepairMode.LEAKS : null;
        }
        return switch (repairMode) {
            case "leaks" -> RepairMode.LEAKS;
            case "all" -> RepairMode.ALL;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "-r takes leaks or all, not '" + repairMode + "'");
        };
    }

    /** Each problem on its own line of stderr, as qemu's qcow2 driver reports them. */
    private static void printFindings(PrintWriter err, CheckReport report) {
        report.messages().forEach(err::println);
        err.flush();
    }
}
