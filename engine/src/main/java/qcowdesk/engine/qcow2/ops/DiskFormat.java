package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** The image formats the operations read and write: QCOW2, and raw (a plain file, guest offset = file offset). */
public enum DiskFormat {
    QCOW2("qcow2"), RAW("raw");

    private final String name;

    DiskFormat(String name) {
        this.name = name;
    }

    public String formatName() {
        return name;
    }

    /** "qcow2" or "raw", as qemu-img spells them. */
    public static DiskFormat named(String name) throws EngineException {
        for (DiskFormat f : values()) {
            if (f.name.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new EngineException(ErrorCode.INVALID_ARGUMENT, "unknown image format '" + name + "' (use qcow2 or raw)");
    }

    /**
     * The format of an existing file by its first bytes: QCOW2 when it starts with the QCOW2 magic, raw otherwise.
     * Only for inputs that are read, never for a file an operation writes: a raw guest could have written the magic.
     */
    public static DiskFormat probe(Path path) throws IOException {
        requireOpenable(path);
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(4);
            while (magic.hasRemaining() && file.read(magic, magic.position()) > 0) {
                // read until the 4 bytes are in or the file ends
            }
            return magic.position() == 4 && magic.getInt(0) == Qcow2Header.MAGIC ? QCOW2 : RAW;
        }
    }

    /**
     * Refuses a directory, FIFO or socket before opening it: opening a FIFO blocks until a writer appears, so a
     * mistyped name would hang the command. Block devices stay allowed (a raw disk may be one).
     */
    static void requireOpenable(Path path) throws IOException {
        int type = (Integer) Files.readAttributes(path, "unix:mode").get("mode") & 0170000;
        if (type == 0040000 || type == 0010000 || type == 0140000) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, path + " is not a disk image (it is "
                    + (type == 0040000 ? "a directory" : type == 0010000 ? "a FIFO" : "a socket") + ")");
        }
    }
}
