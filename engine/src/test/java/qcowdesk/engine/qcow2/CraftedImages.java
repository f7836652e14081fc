package qcowdesk.engine.qcow2;

import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Hostile images made from real qemu-img images by patching a few header fields, as an attacker would. */
final class CraftedImages {

    /** Where a crafted backing file name goes: inside the header cluster, past QEMU's header extensions. */
    private static final int BACKING_NAME_AT = 3072;

    private CraftedImages() {
    }

    /**
     * A 1 MiB qcow2 image (64 KiB clusters) whose backing file name is {@code name} and that records no backing
     * format, so that a reader would have to probe it.
     */
    static Path withUnformattedBacking(Path image, String name) throws IOException {
        Qemu.create(image, "", 1 << 20);
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), BACKING_NAME_AT);
            ch.write(ByteBuffer.allocate(8).putLong(0, BACKING_NAME_AT), 8);
            ch.write(ByteBuffer.allocate(4).putInt(0, bytes.length), 16);
        }
        return image;
    }

    /**
     * A 1 MiB image whose external data file is named {@code name} (the named file is not touched). qemu-img
     * create resolves a relative data file name against its working directory, so the image is made with an
     * absolute one and then renamed.
     */
    static Path withDataFile(Path image, String name) {
        Path own = image.resolveSibling(image.getFileName() + ".data");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "data_file=" + own,
                image.toString(), "1M");
        Peers.ok("qemu-img", "amend", "-o", "data_file=" + name, image.toString());
        return image;
    }

    /** The big-endian 64-bit value at {@code offset} of {@code image}. */
    static long longAt(Path image, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            ch.read(b, offset);
            return b.getLong(0);
        }
    }

    /** Overwrites the big-endian 64-bit value at {@code offset} of {@code image}, as an attacker's hex editor. */
    static void patchLong(Path image, long offset, long value) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).putLong(0, value), offset);
        }
    }
}
