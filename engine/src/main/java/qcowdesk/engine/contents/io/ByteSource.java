package qcowdesk.engine.contents.io;

import java.io.IOException;
import java.nio.ByteBuffer;

import qcowdesk.engine.VirtualDisk;

/**
 * A bounded, read-only run of bytes: a whole virtual disk or a partition of it. Every reader in this package
 * reads through one, so a field that points past the end becomes a {@link ContentsException}, never a read of
 * some other partition.
 */
public interface ByteSource {

    /** The largest single read a reader may ask for; larger structures are read piecewise. */
    int MAX_READ = 16 << 20;

    long size();

    /** Fills all remaining bytes of {@code dst} from {@code offset}; the range has been checked by the caller. */
    void readRaw(long offset, ByteBuffer dst) throws IOException;

    /** Where this source starts on the disk it belongs to (0 for a whole disk). */
    long diskOffset();

    /** Reads {@code length} bytes at {@code offset}, refusing ranges outside this source. */
    default byte[] bytes(long offset, int length) throws IOException {
        check(offset, length);
        byte[] out = new byte[length];
        readRaw(offset, ByteBuffer.wrap(out));
        return out;
    }

    /** Fills {@code dst} from {@code offset}, refusing ranges outside this source. */
    default void read(long offset, ByteBuffer dst) throws IOException {
        check(offset, dst.remaining());
        readRaw(offset, dst);
    }

    private void check(long offset, long length) throws ContentsException {
        if (length < 0 || length > MAX_READ) {
            throw new ContentsException("refusing a read of " + length + " bytes");
        }
        if (offset < 0 || offset > size() || length > size() - offset) {
            throw new ContentsException("read of " + length + " bytes at offset " + offset
                    + " is outside the " + size() + "-byte volume");
        }
    }

    /** Whether {@code [offset, offset+length)} lies inside this source. */
    default boolean contains(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= size() && length <= size() - offset;
    }

    /** A window of this source. */
    default ByteSource slice(long offset, long length) throws ContentsException {
        if (!contains(offset, length)) {
            throw new ContentsException("region of " + length + " bytes at offset " + offset
                    + " is outside the " + size() + "-byte disk");
        }
        ByteSource parent = this;
        return new ByteSource() {
            @Override
            public long size() {
                return length;
            }

            @Override
            public void readRaw(long at, ByteBuffer dst) throws IOException {
                parent.readRaw(offset + at, dst);
            }

            @Override
            public long diskOffset() {
                return parent.diskOffset() + offset;
            }
        };
    }

    /** The whole of a virtual disk. */
    static ByteSource of(VirtualDisk disk) {
        return new ByteSource() {
            @Override
            public long size() {
                return disk.size();
            }

            @Override
            public void readRaw(long offset, ByteBuffer dst) throws IOException {
                disk.read(offset, dst);
            }

            @Override
            public long diskOffset() {
                return 0;
            }
        };
    }

    /** Bytes held in memory (tests and small structures). */
    static ByteSource of(byte[] data) {
        return new ByteSource() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public void readRaw(long offset, ByteBuffer dst) {
                dst.put(data, (int) offset, dst.remaining());
            }

            @Override
            public long diskOffset() {
                return 0;
            }
        };
    }
}
