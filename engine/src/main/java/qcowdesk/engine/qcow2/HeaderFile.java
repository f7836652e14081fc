package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Reads the header of an image file, and writes header changes, through the format package's codec. */
public final class HeaderFile {

    private HeaderFile() {
    }

    /** Reads and validates the header of an open image file. Reads at most one cluster (2 MiB). */
    public static Qcow2Header read(FileChannel channel) throws IOException {
        long fileSize = channel.size();
        ByteBuffer first = ByteBuffer.allocate((int) Math.min(fileSize, 1 << Qcow2Header.MAX_CLUSTER_BITS));
        return Qcow2Header.parse(FileIo.read(channel, first, 0), fileSize);
    }

    /** Encodes and writes the whole header at offset 0 (not synced); returns the header as written. */
    public static Qcow2Header write(FileChannel channel, Qcow2Header header) throws IOException {
        Qcow2Header.Encoded encoded = header.encode();
        FileIo.writeFully(channel, ByteBuffer.wrap(encoded.bytes()), 0);
        return encoded.header();
    }

    /** Writes one in-place change of header fields (not synced). */
    public static void patch(FileChannel channel, HeaderLayout.Patch patch) throws IOException {
        FileIo.writeFully(channel, patch.buffer(), patch.offset());
    }
}
