package qcowdesk.cli.device;

import java.nio.file.Path;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.fail;

/** qcowctl commands run against the owner of {@code runtime}, from {@code dir}, and images made there. */
record OwnerCommands(Path runtime, Path dir) {

    QcowctlProcess.Result run(String... args) {
        return QcowctlProcess.run(runtime, dir, args);
    }

    /** Runs and returns standard output; fails the test unless qcowctl exits 0. */
    String ok(String... args) {
        QcowctlProcess.Result result = run(args);
        if (result.exitCode() != 0) {
            fail("qcowctl " + String.join(" ", args) + " exited " + result.exitCode() + ": " + result.stderr());
        }
        return result.stdout();
    }

    /** A new empty qcow2 image {@code name} (relative to dir) of {@code size}, made by qemu-img. */
    Path image(String name, String size) {
        Path image = dir.resolve(name);
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), size);
        return image;
    }
}
