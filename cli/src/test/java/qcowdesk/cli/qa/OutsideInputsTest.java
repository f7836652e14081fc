package qcowdesk.cli.qa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs nobody wrote the commands for, as a user gives them: a FIFO named as an image must be refused at once
 * (opening it would block until a writer appears), and extract must keep set-user-ID, set-group-ID and sticky
 * bits as tar does.
 */
class OutsideInputsTest {

    @TempDir
    Path dir;

    @Test
    void aFifoIsRefusedNotWaitedOn() throws IOException {
        Path fifo = dir.resolve("not-an-image");
        Peers.ok("mkfifo", fifo.toString());
        Path image = dir.resolve("a.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1M");
        for (List<String> command : List.of(List.of("info"), List.of("info", "--json"), List.of("check"),
                List.of("snapshot", "-l"), List.of("info", "--space"), List.of("info", "--backing-chain"),
                List.of("measure", "-O", "qcow2"), List.of("compare", image.toString()),
                List.of("convert", "-O", "qcow2"))) {
            List<String> args = new java.util.ArrayList<>(command);
            args.add(fifo.toString());
            if (command.get(0).equals("convert")) {
                args.add(dir.resolve("out.qcow2").toString());
            }
            CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> CliRun.of(args.toArray(String[]::new)), String.join(" ", args) + " hangs");
            assertTrue(run.exitCode() == 1 || run.exitCode() == 2, args + ": exit " + run.exitCode());
            assertTrue(run.err().startsWith("qcowctl: ") && run.err().strip().lines().count() == 1
                    && run.err().contains(fifo.toString()), args + ": " + run.err());
        }
        assertTrue(Files.notExists(dir.resolve("out.qcow2")));
    }

    @Test
    void extractKeepsSetuidSetgidAndSticky() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/shared"));
        Path tool = Files.writeString(tree.resolve("tool"), "#!/bin/sh\n");
        Peers.ok("chmod", "4755", tool.toString());
        Peers.ok("chmod", "2775", tree.toString());
        Path tmp = Files.createDirectories(dir.resolve("tree/tmp"));
        Peers.ok("chmod", "1777", tmp.toString());
        Path fs = dir.resolve("ext.fs");
        Peers.require("mke2fs");
        Peers.ok("truncate", "-s", "8M", fs.toString());
        Peers.ok("mke2fs", "-q", "-F", "-t", "ext4", "-d", dir.resolve("tree").toString(), fs.toString());
        Path image = dir.resolve("fs.qcow2");
        Peers.ok("qemu-img", "convert", "-f", "raw", "-O", "qcow2", fs.toString(), image.toString());

        Path out = dir.resolve("out");
        CliRun run = CliRun.of("extract", image.toString(), "/", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("4755", mode(out.resolve("shared/tool")));
        assertEquals("2775", mode(out.resolve("shared")));
        assertEquals("1777", mode(out.resolve("tmp")));
    }

    @Test
    void aNegativeCountIsAUsageError() throws IOException {
        Path image = dir.resolve("a.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1M");
        CliRun run = CliRun.of("du", "-n", "-3", image.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("qcowctl: -n must be 0 or more, got -3"), run.err());
    }

    @Test
    void convertNamesTheDestinationItCannotCreate() throws IOException {
        Path image = dir.resolve("a.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1M");
        Path missing = dir.resolve("no-such-dir/out.qcow2");
        CliRun run = CliRun.of("convert", "-O", "qcow2", image.toString(), missing.toString());
        assertEquals(1, run.exitCode(), run.err());
        assertEquals("qcowctl: cannot create " + missing + ": there is no directory " + missing.getParent() + "\n",
                run.err());
        Path folder = Files.createDirectories(dir.resolve("folder"));
        CliRun onDir = CliRun.of("convert", "-O", "raw", image.toString(), folder.toString());
        assertEquals("qcowctl: cannot create " + folder + ": it is a directory\n", onDir.err());
        assertTrue(Files.isDirectory(folder), "the directory the user named is left alone");
    }

    private static String mode(Path p) {
        return Peers.ok("stat", "-c", "%a", p.toString()).stdout().strip();
    }
}
