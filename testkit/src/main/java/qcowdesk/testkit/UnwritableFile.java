package qcowdesk.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A file that cannot be opened for writing, even by root (tests and CI run as root, and root writes mode 0444
 * files happily). First choice: the immutable attribute ({@code chattr +i}, EPERM on open for write); fallback:
 * the file seen through a read-only bind mount (EROFS). Close it to make the file deletable again.
 * A sandbox that allows neither fails the test rather than skip it.
 */
public final class UnwritableFile implements AutoCloseable {

    private final Path path;
    private final Runnable undo;

    private UnwritableFile(Path path, Runnable undo) {
        this.path = path;
        this.undo = undo;
    }

    /** Makes {@code file} unwritable; {@link #path()} is where to open it (maybe not {@code file} itself). */
    public static UnwritableFile of(Path file) {
        Path absolute = file.toAbsolutePath();
        if (run("chattr", "+i", absolute.toString()) && !writable(absolute)) {
            return new UnwritableFile(absolute, () -> run("chattr", "-i", absolute.toString()));
        }
        run("chattr", "-i", absolute.toString());
        try {
            Path mount = Files.createTempDirectory(absolute.getParent(), "ro-mount");
            String dir = absolute.getParent().toString();
            if (run("mount", "--bind", dir, mount.toString())
                    && run("mount", "-o", "remount,ro,bind", mount.toString())) {
                Path seen = mount.resolve(absolute.getFileName());
                if (!writable(seen)) {
                    return new UnwritableFile(seen, () -> {
                        run("umount", mount.toString());
                        try {
                            Files.deleteIfExists(mount);
                        } catch (IOException ignored) {
                            // left for the temp directory's own cleanup
                        }
                    });
                }
                run("umount", mount.toString());
            }
            Files.deleteIfExists(mount);
        } catch (IOException e) {
            fail("cannot prepare a read-only mount: " + e);
        }
        return fail("this machine lets root write every file: neither 'chattr +i' nor a read-only bind mount"
                + " works here, so a read-only file cannot be made");
    }

    /** Where to open the unwritable file. */
    public Path path() {
        return path;
    }

    @Override
    public void close() {
        undo.run();
    }

    private static boolean writable(Path file) {
        try (FileChannel ignored = FileChannel.open(file, StandardOpenOption.WRITE)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
