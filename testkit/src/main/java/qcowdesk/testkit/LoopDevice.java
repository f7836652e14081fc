package qcowdesk.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A loop device over a file for as long as a test needs it ({@code losetup -f}, so parallel tests do not collide),
 * optionally with 4096-byte logical sectors. Close detaches it, also when the test failed.
 */
public final class LoopDevice implements AutoCloseable {

    private final String device;

    private LoopDevice(String device) {
        this.device = device;
    }

    /** Attaches {@code file} with {@code sectorSize}-byte logical sectors (512 or 4096). */
    public static LoopDevice attach(Path file, int sectorSize) {
        Peers.Result r = Peers.ok("losetup", "-f", "--show", "-b", Integer.toString(sectorSize), file.toString());
        return new LoopDevice(r.stdout().trim());
    }

    /** The device node, e.g. {@code /dev/loop3}. */
    public String device() {
        return device;
    }

    @Override
    public void close() {
        // udev or a lingering reader may hold the device for a moment; retry briefly, then give up loudly
        for (int attempt = 0; attempt < 20; attempt++) {
            if (Peers.run(Duration.ofSeconds(30), List.of("losetup", "-d", device)).exitCode() == 0) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Peers.ok("losetup", "-d", device);
    }
}
