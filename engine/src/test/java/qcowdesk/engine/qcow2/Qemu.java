package qcowdesk.engine.qcow2;

import qcowdesk.testkit.Peers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Shorthands for the QEMU tools the engine tests compare against. */
final class Qemu {

    private Qemu() {
    }

    static void create(Path image, String options, long size) {
        List<String> cmd = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2"));
        if (!options.isEmpty()) {
            cmd.add("-o");
            cmd.add(options);
        }
        cmd.add(image.toString());
        cmd.add(Long.toString(size));
        Peers.ok(cmd.toArray(String[]::new));
    }

    /** Runs qemu-io commands on an image (format given explicitly). */
    static Peers.Result io(String format, Path image, String... commands) {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", format));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add(image.toString());
        Peers.Result r = Peers.run(cmd.toArray(String[]::new)).assertOk();
        if (r.stdout().contains("Pattern verification failed") || r.stdout().contains("failed")) {
            fail("qemu-io reported a failure: " + r.stdout());
        }
        return r;
    }

    static void convertToRaw(Path image, Path raw) {
        Peers.ok("qemu-img", "convert", "-O", "raw", image.toString(), raw.toString());
    }

    /** Fails unless qemu-img check finds neither corruptions nor leaks. */
    static void checkClean(Path image) {
        Peers.Result r = Peers.run("qemu-img", "check", image.toString());
        if (r.exitCode() != 0 || !r.stdout().contains("No errors were found")) {
            fail("qemu-img check " + image + " exited " + r.exitCode() + ":\n" + r.stdout() + r.stderr());
        }
    }

    /** Fails if qemu-img check finds corruptions (leaks are allowed). */
    static void checkNoCorruption(Path image) {
        Peers.Result r = Peers.run("qemu-img", "check", image.toString());
        if (r.exitCode() == 2 || r.exitCode() == 1 || r.stdout().contains("ERROR")) {
            fail("qemu-img check " + image + " found corruption (exit " + r.exitCode() + "):\n" + r.stdout()
                    + r.stderr());
        }
    }

    static void compareIdentical(Path image, Path raw) {
        Peers.Result r = Peers.run("qemu-img", "compare", "-f", "qcow2", "-F", "raw", image.toString(),
                raw.toString());
        assertEquals(0, r.exitCode(), "qemu-img compare: " + r.stdout() + r.stderr());
    }
}
