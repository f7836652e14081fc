package qcowdesk.cli.lifecycle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.testkit.Peers;

/** Test images made by qemu-img and qemu-io, the layouts the lifecycle commands meet. */
final class LifecycleImages {

    private LifecycleImages() {
    }

    static Path create(Path dir, String name, String size, String... options) {
        Path image = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2"));
        command.addAll(List.of(options));
        command.addAll(List.of(image.toString(), size));
        Peers.ok(command.toArray(String[]::new));
        return image;
    }

    static void io(Path image, String... commands) {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.add(image.toString());
        Peers.ok(command.toArray(String[]::new));
    }

    /**
     * For operations that write the image in place (commit, rebase): a kill may leak clusters (qemu-img check exit 3,
     * "no harm to data"), as any interrupted QCOW2 writer may, but never corrupt it (exit 2) or fail the check.
     */
    static void checkConsistent(Path image) {
        Peers.Result check = Peers.run("qemu-img", "check", image.toString());
        boolean clean = check.exitCode() == 0 && check.stdout().contains("No errors were found");
        boolean onlyLeaks = check.exitCode() == 3 && check.stdout().contains("leaked clusters were found")
                && !check.stdout().contains("ERROR");
        if (!clean && !onlyLeaks) {
            throw new AssertionError("qemu-img check " + image + " exited " + check.exitCode() + ":\n"
                    + check.stdout() + check.stderr());
        }
    }

    /** Fails unless qemu-img check finds the image clean. */
    static void checkClean(Path image) {
        Peers.Result check = Peers.run("qemu-img", "check", image.toString());
        if (check.exitCode() != 0 || !check.stdout().contains("No errors were found")) {
            throw new AssertionError("qemu-img check " + image + " exited " + check.exitCode() + ":\n"
                    + check.stdout() + check.stderr());
        }
    }
}
