package qcowdesk.app.inspect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import qcowdesk.testkit.Qemu;

/**
 * An 8 MiB image with every guest status, written by qemu-io: data from a backing file, data, a zero
 * cluster, a compressed cluster, unallocated space, and a text needle for searches.
 */
public final class SampleImage {

    public static final int CLUSTER = 65536;
    public static final long BACKING_DATA = 0;              // 128 KiB of 0x11 in the backing file
    public static final long DATA = 1 << 20;               // 192 KiB of 0xab
    public static final long ZERO = 2 << 20;               // one zero cluster
    public static final long COMPRESSED = 3 << 20;         // one compressed cluster of 0x33
    public static final long NEEDLE = 6_000_123;           // "QcowDesk needle", across no cluster boundary
    public static final String NEEDLE_TEXT = "QcowDesk needle";

    private SampleImage() {
    }

    public static Path create(Path dir) throws IOException {
        Path base = Qemu.create(dir, "base.qcow2", "8M", CLUSTER);
        Qemu.io(base, "write -P 0x11 " + BACKING_DATA + " 128k");
        Path top = Qemu.create(dir, "sample.qcow2", "8M", CLUSTER, "-F", "qcow2", "-b", base.toString());
        Qemu.io(top, "write -P 0xab " + DATA + " 192k", "write -z " + ZERO + " 64k",
                "write -c -P 0x33 " + COMPRESSED + " 64k");
        Qemu.writeBytes(top, NEEDLE, NEEDLE_TEXT.getBytes(StandardCharsets.US_ASCII));
        return top;
    }
}
