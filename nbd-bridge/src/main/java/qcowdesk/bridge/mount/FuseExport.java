package qcowdesk.bridge.mount;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * The device's NBD export as a file, through FUSE: {@code nbdfuse DIR/disk URI} in a private directory. The
 * file is what a loop device (ours or udisks') is set up over. Stopped with {@code fusermount3 -u}, after which
 * nbdfuse closes its NBD connections and exits.
 */
final class FuseExport {

    private static final Duration READY = Duration.ofSeconds(20);
    private static final Duration EXIT = Duration.ofSeconds(10);

    private final Path directory;
    private final Process process;

    private FuseExport(Path directory, Process process) {
        this.directory = directory;
        this.process = process;
    }

    /** The exported file. */
    Path file() {
        return directory.resolve("disk");
    }

    long pid() {
        return process.pid();
    }

    /**
     * Starts nbdfuse in a new private directory under {@code parent} and waits until the file serves; records
     * its undo (fsync the file, unmount the FUSE filesystem, wait for nbdfuse to exit, remove the directory).
     */
    static FuseExport start(MountRequest request, Path parent, SetUp setUp) throws EngineException {
        Tool.require("nbdfuse", "to export the device as a file (FUSE)", "nbdfuse");
        Tool.require("fusermount3", "to stop the FUSE export", "fuse3");
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "no FUSE on this machine: /dev/fuse does not exist "
                    + "(load the fuse module, or give the container the device)");
        }
        Path directory;
        try {
            Files.createDirectories(parent);
            directory = Files.createTempDirectory(parent, "fuse-" + request.unit() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot create a directory for the FUSE export in " + parent
                    + ": " + e.getMessage(), e);
        }
        setUp.done("the FUSE directory " + directory, lazy -> deleteDirectory(directory));
        Path pidFile = directory.resolveSibling(directory.getFileName() + ".pid");
        List<String> command = new ArrayList<>(List.of("nbdfuse"));
        if (request.readOnly()) {
            command.add("-r");
        }
        command.addAll(List.of("-P", pidFile.toString(), directory.resolve("disk").toString(), request.uri()));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "cannot run nbdfuse: " + e.getMessage(), e);
        }
        CompletableFuture<String> errors = Tool.drain(process.getErrorStream());
        FuseExport export = new FuseExport(directory, process);
        setUp.done("the FUSE export of " + request.unit() + " (nbdfuse pid " + process.pid() + ")", export::stop);
        export.awaitReady(pidFile, errors);
        return export;
    }

    private void awaitReady(Path pidFile, CompletableFuture<String> errors) throws EngineException {
        long deadline = System.nanoTime() + READY.toNanos();
        try {
            while (!Files.exists(pidFile) || Files.size(pidFile) == 0) {
                if (!process.isAlive()) {
                    throw new EngineException(ErrorCode.IO, "nbdfuse could not export the device as a file: "
                            + errors.getNow("").strip().replace('\n', ' ') + " (exit status " + process.exitValue() + ")");
                }
                if (System.nanoTime() > deadline) {
                    throw new EngineException(ErrorCode.IO, "nbdfuse did not start serving within "
                            + READY.toSeconds() + " s");
                }
                Partitions.sleep();
            }
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot read nbdfuse's pid file: " + e.getMessage(), e);
        }
    }

    /** Flushes the file (FUSE fsync becomes an NBD flush), unmounts the FUSE filesystem, waits for nbdfuse. */
    void stop(boolean lazy) throws EngineException {
        if (process.isAlive()) {
            flush();
            Tool.Result unmount = Tool.run("fusermount3", "-u" + (lazy ? "z" : ""), directory.toString());
            if (!unmount.ok() && MountInfo.mountedOn(directory).isPresent()) {
                throw new EngineException(ErrorCode.BUSY, "cannot stop the FUSE export " + directory + ": "
                        + unmount.complaint());
            }
        }
        try {
            // after a lazy unmount nbdfuse serves on until the last user lets go: do not wait for it then
            if (!process.waitFor(lazy ? 200 : EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                if (!lazy) {
                    throw new EngineException(ErrorCode.BUSY, "nbdfuse (pid " + process.pid()
                            + ") did not exit within " + EXIT.toSeconds() + " s of its unmount");
                }
                // a lazy unmount leaves nbdfuse serving whoever still has the file open; the forced detach
                // that follows disconnects it from the device and it exits then
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.IO, "interrupted while waiting for nbdfuse", e);
        }
    }

    private void flush() throws EngineException {
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot flush the FUSE file " + file() + ": " + e.getMessage(), e);
        }
    }

    private static void deleteDirectory(Path directory) throws EngineException {
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot remove " + directory + ": " + e.getMessage(), e);
        }
    }
}
