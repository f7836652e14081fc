package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.format.BitmapDirectory;
import qcowdesk.engine.qcow2.format.HeaderExtension;
import qcowdesk.engine.qcow2.format.HeaderExtensionType;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Optional;

/**
 * Reads the persistent dirty bitmaps' directory of an image. QEMU trusts the bitmaps only while the autoclear
 * bitmaps bit is set; without it they are stale and read as none. Used by the checker and by the overlap guard.
 */
public final class BitmapDirectoryReader {

    /** The bitmaps, and where their directory lies (both zero without bitmaps). */
    public record Contents(List<BitmapDirectory.Entry> entries, long directoryOffset, long directorySize) {
    }

    private BitmapDirectoryReader() {
    }

    public static Contents read(FileChannel file, Qcow2Header header) throws IOException {
        Optional<HeaderExtension> ext = header.extension(HeaderExtensionType.BITMAPS);
        if (ext.isEmpty() || (header.autoclearFeatures() & Qcow2Header.AUTOCLEAR_BITMAPS) == 0) {
            return new Contents(List.of(), 0, 0);
        }
        BitmapDirectory.Extension e = BitmapDirectory.Extension.read(ext.get().data());
        long dirSize = e.directorySize();
        long dirOffset = e.directoryOffset();
        if (dirSize < 0 || dirSize > BitmapDirectory.MAX_DIRECTORY_BYTES || dirOffset < 0
                || dirOffset > file.size() - dirSize) {
            throw new EngineException(ErrorCode.INVALID_IMAGE, "bitmap directory (offset 0x"
                    + Long.toHexString(dirOffset) + ", " + dirSize + " bytes) is out of range");
        }
        ByteBuffer dir = FileIo.read(file, ByteBuffer.allocate((int) dirSize), dirOffset);
        return new Contents(BitmapDirectory.read(dir, e.count()), dirOffset, dirSize);
    }
}
