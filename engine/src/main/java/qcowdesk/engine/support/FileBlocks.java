package qcowdesk.engine.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What a file occupies on disk, from stat(2) as stat(1) reports it (following links): Java's file attributes
 * give neither st_blocks nor st_blksize. The only place the project runs stat(1).
 *
 * @param dev       st_dev, to tell which file answered (a descriptor may since hold another)
 * @param ino       st_ino
 * @param blocks    st_blocks, in 512-byte units as stat(2) defines them
 * @param blockSize st_blksize, the preferred I/O size
 */
public record FileBlocks(long dev, long ino, long blocks, int blockSize) {

    private static final long TIMEOUT_SECONDS = 10;

    /** Bytes allocated on disk ({@code du}'s and {@code qemu-img info}'s "actual size"). */
    public long allocatedBytes() {
        return blocks * 512;
    }

    /** Stats {@code path} (a file, or a {@code /proc/PID/fd/N} link to an open one). */
    public static FileBlocks of(Path path) throws IOException {
        String target = path.toString();
        Process process = new ProcessBuilder("stat", "-L", "-c", "%d %i %b %B %o", target)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        String output;
        try (var out = process.getInputStream()) {
            output = new String(out.readNBytes(4096), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new FileSystemException(target, null, "stat(1) did not answer within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FileSystemException(target, null, "interrupted");
        }
        if (process.exitValue() != 0) {
            throw new FileSystemException(target, null, "stat(1) failed: " + output);
        }
        String[] f = output.split(" ");
        try {
            if (f.length != 5) {
                throw new NumberFormatException();
            }
            // %b counts units of %B bytes; st_blocks is defined in 512-byte units
            long blocks512 = Long.parseLong(f[2]) * Long.parseLong(f[3]) / 512;
            return new FileBlocks(Long.parseLong(f[0]), Long.parseLong(f[1]), blocks512, Integer.parseInt(f[4]));
        } catch (NumberFormatException e) {
            throw new FileSystemException(target, null, "unexpected stat(1) output: " + output);
        }
    }
}
