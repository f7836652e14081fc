package qcowdesk.engine.qcow2.format;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The internal snapshot table (docs/interop/qcow2.txt, "Snapshots"): entries of a 40-byte fixed part, extra data,
 * the id and the name, each entry padded to 8 bytes. Read with QEMU's limits (at most 1 KiB of extra data per entry,
 * 64 MiB for the whole table); written as QEMU writes it (24 bytes of extra data: large vm state size, disk size,
 * icount), keeping extra data this engine does not know.
 */
public final class SnapshotTable {

    public static final int MAX_EXTRA_DATA = 1024;
    public static final long MAX_TABLE_BYTES = 64L << 20;
    /** The fixed part of an entry, before extra data, id and name. */
    public static final int FIXED_LENGTH = 40;
    /** Extra data QEMU writes: vm_state_size_large, disk_size, icount. */
    public static final int EXTRA_DATA_LENGTH = 24;
    /** QEMU's limits on the id and name strings. */
    public static final int MAX_ID_BYTES = 127;
    public static final int MAX_NAME_BYTES = 1023;

    private static final int L1_TABLE_OFFSET = 0;
    private static final int L1_SIZE = 8;
    private static final int ID_SIZE = 12;
    private static final int NAME_SIZE = 14;
    private static final int DATE_SEC = 16;
    private static final int DATE_NSEC = 20;
    private static final int VM_CLOCK_NSEC = 24;
    private static final int VM_STATE_SIZE = 32;
    private static final int EXTRA_DATA_SIZE = 36;
    private static final int EXTRA_VM_STATE_SIZE_LARGE = 0;
    private static final int EXTRA_DISK_SIZE = 8;
    private static final int EXTRA_ICOUNT = 16;

    private SnapshotTable() {
    }

    /**
     * One snapshot.
     *
     * @param l1Size      entries of the snapshot's L1 table
     * @param vmStateSize bytes of saved VM state (0 for a disk-only snapshot)
     * @param diskSize    virtual disk size when the snapshot was taken, -1 when the entry does not record it
     * @param icount      instruction count, -1 when the entry does not record it
     * @param extraTail   extra data past the 24 bytes this engine knows, kept verbatim
     */
    public record Snapshot(long l1TableOffset, long l1Size, String id, String name, long dateSec, long dateNsec,
                           long vmClockNsec, long vmStateSize, long diskSize, long icount, byte[] extraTail) {

        public Snapshot {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            extraTail = extraTail == null ? new byte[0] : extraTail.clone();
        }

        @Override
        public byte[] extraTail() {
            return extraTail.clone();
        }

        /** Bytes the entry takes in the table, padding included. */
        public int encodedLength() {
            int raw = FIXED_LENGTH + EXTRA_DATA_LENGTH + extraTail.length + utf8(id).length + utf8(name).length;
            return (raw + 7) & ~7;
        }

        /** Writes the entry (padded to 8 bytes) at the buffer's position. */
        public void write(ByteBuffer b) throws EngineException {
            byte[] idBytes = utf8(id);
            byte[] nameBytes = utf8(name);
            if (idBytes.length > MAX_ID_BYTES || nameBytes.length > MAX_NAME_BYTES) {
                throw new EngineException(ErrorCode.INVALID_ARGUMENT, "snapshot id or name is too long (at most "
                        + MAX_ID_BYTES + " and " + MAX_NAME_BYTES + " bytes)");
            }
            int start = b.position();
            b.putLong(start + L1_TABLE_OFFSET, l1TableOffset).putInt(start + L1_SIZE, (int) l1Size)
                    .putShort(start + ID_SIZE, (short) idBytes.length)
                    .putShort(start + NAME_SIZE, (short) nameBytes.length)
                    .putInt(start + DATE_SEC, (int) dateSec).putInt(start + DATE_NSEC, (int) dateNsec)
                    .putLong(start + VM_CLOCK_NSEC, vmClockNsec).putInt(start + VM_STATE_SIZE, (int) vmStateSize)
                    .putInt(start + EXTRA_DATA_SIZE, EXTRA_DATA_LENGTH + extraTail.length);
            int extra = start + FIXED_LENGTH;
            b.putLong(extra + EXTRA_VM_STATE_SIZE_LARGE, vmStateSize).putLong(extra + EXTRA_DISK_SIZE, diskSize)
                    .putLong(extra + EXTRA_ICOUNT, icount);
            b.position(extra + EXTRA_DATA_LENGTH);
            b.put(extraTail).put(idBytes).put(nameBytes);
            int end = start + encodedLength();
            while (b.position() < end) {
                b.put((byte) 0);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && l1TableOffset == s.l1TableOffset && l1Size == s.l1Size
                    && id.equals(s.id) && name.equals(s.name) && dateSec == s.dateSec && dateNsec == s.dateNsec
                    && vmClockNsec == s.vmClockNsec && vmStateSize == s.vmStateSize && diskSize == s.diskSize
                    && icount == s.icount && Arrays.equals(extraTail, s.extraTail);
        }

        @Override
        public int hashCode() {
            return Objects.hash(l1TableOffset, l1Size, id, name, dateSec, dateNsec, vmClockNsec, vmStateSize,
                    diskSize, icount, Arrays.hashCode(extraTail));
        }
    }

    /** The variable sizes an entry's fixed part announces. */
    public record EntrySizes(int idSize, int nameSize, int extraSize) {
        /** Bytes of the entry without padding. */
        public int length() {
            return FIXED_LENGTH + extraSize + idSize + nameSize;
        }

        /** Bytes of the entry with its padding to 8. */
        public int paddedLength() {
            return (length() + 7) & ~7;
        }
    }

    /** Reads the sizes from the fixed part of entry {@code index} (at the buffer's position), within the limits. */
    public static EntrySizes sizes(ByteBuffer fixed, long index) throws EngineException {
        int at = fixed.position();
        long extra = Integer.toUnsignedLong(fixed.getInt(at + EXTRA_DATA_SIZE));
        if (extra > MAX_EXTRA_DATA) {
            throw invalid("snapshot " + index + " has " + extra + " bytes of extra data (at most " + MAX_EXTRA_DATA
                    + ")");
        }
        return new EntrySizes(Short.toUnsignedInt(fixed.getShort(at + ID_SIZE)),
                Short.toUnsignedInt(fixed.getShort(at + NAME_SIZE)), (int) extra);
    }

    /** Decodes one whole entry at the buffer's position and advances past it and its padding (bounded). */
    public static Snapshot readEntry(ByteBuffer b, long index) throws EngineException {
        int start = b.position();
        if (b.remaining() < FIXED_LENGTH) {
            throw invalid("snapshot table entry " + index + " is truncated");
        }
        EntrySizes sizes = sizes(b, index);
        if (b.remaining() < sizes.length()) {
            throw invalid("snapshot table entry " + index + " is truncated");
        }
        int extra = start + FIXED_LENGTH;
        int extraSize = sizes.extraSize();
        long vmStateSize = Integer.toUnsignedLong(b.getInt(start + VM_STATE_SIZE));
        long diskSize = -1;
        long icount = -1;
        if (extraSize >= EXTRA_DISK_SIZE) {
            vmStateSize = b.getLong(extra + EXTRA_VM_STATE_SIZE_LARGE);
        }
        if (extraSize >= EXTRA_ICOUNT) {
            diskSize = b.getLong(extra + EXTRA_DISK_SIZE);
        }
        if (extraSize >= EXTRA_DATA_LENGTH) {
            icount = b.getLong(extra + EXTRA_ICOUNT);
        }
        byte[] tail = new byte[Math.max(0, extraSize - EXTRA_DATA_LENGTH)];
        b.get(extra + EXTRA_DATA_LENGTH, tail);
        byte[] id = new byte[sizes.idSize()];
        byte[] name = new byte[sizes.nameSize()];
        b.get(extra + extraSize, id);
        b.get(extra + extraSize + id.length, name);
        b.position(Math.min(b.limit(), start + sizes.paddedLength()));
        return new Snapshot(b.getLong(start + L1_TABLE_OFFSET), Integer.toUnsignedLong(b.getInt(start + L1_SIZE)),
                new String(id, StandardCharsets.UTF_8), new String(name, StandardCharsets.UTF_8),
                Integer.toUnsignedLong(b.getInt(start + DATE_SEC)), Integer.toUnsignedLong(b.getInt(start + DATE_NSEC)),
                b.getLong(start + VM_CLOCK_NSEC), vmStateSize, diskSize, icount, tail);
    }

    /** Decodes {@code count} entries from a buffer holding the whole table. */
    public static List<Snapshot> read(ByteBuffer table, long count) throws EngineException {
        if (count > Qcow2Header.MAX_SNAPSHOTS) {
            throw invalid("nb_snapshots " + count + " exceeds the limit of " + Qcow2Header.MAX_SNAPSHOTS);
        }
        ByteBuffer b = table.duplicate();
        List<Snapshot> out = new ArrayList<>();
        for (long n = 0; n < count; n++) {
            out.add(readEntry(b, n));
        }
        return out;
    }

    /** Bytes the table of these snapshots takes. */
    public static long encodedLength(List<Snapshot> snapshots) {
        long n = 0;
        for (Snapshot s : snapshots) {
            n += s.encodedLength();
        }
        return n;
    }

    /** Encodes the whole table. */
    public static byte[] write(List<Snapshot> snapshots) throws EngineException {
        long length = encodedLength(snapshots);
        if (length > MAX_TABLE_BYTES || snapshots.size() > Qcow2Header.MAX_SNAPSHOTS) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "the snapshot table would take " + length
                    + " bytes for " + snapshots.size() + " snapshots, over QEMU's limits");
        }
        ByteBuffer b = ByteBuffer.allocate((int) length);
        for (Snapshot s : snapshots) {
            s.write(b);
        }
        return b.array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static EngineException invalid(String message) {
        return new EngineException(ErrorCode.INVALID_IMAGE, message);
    }
}
