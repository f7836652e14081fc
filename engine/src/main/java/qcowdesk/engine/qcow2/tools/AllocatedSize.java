package qcowdesk.engine.qcow2.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Bytes a file occupies on disk ({@code st_blocks * 512}), what {@code qemu-img info} calls actual-size. Java's file
 * attributes do not expose st_blocks, so this asks stat(1); when that is unavailable the logical size stands in.
 */
final class AllocatedSize {

    private AllocatedSize() {
    }

    static long of(Path path) {
        try {
            Process p = new ProcessBuilder("stat", "-L", "-c", "%b %B", path.toString())
                    .redirectErrorStream(true).start();
            String out;
            try (var in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String[] f = out.split(" ");
                return Long.parseLong(f[0]) * Long.parseLong(f[1]);
            }
            p.destroyForcibly();
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // fall through to the logical size: an estimate is better than no info at all
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }
}
