package qcowdesk.engine.qcow2.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the feature name table extension: a human-readable name for a feature bit. On disk: kind (1 byte),
 * bit (1 byte), name (46 bytes, NUL padded).
 *
 * @param kind 0 incompatible, 1 compatible, 2 autoclear
 * @param bit  bit number within that feature field
 */
public record FeatureName(int kind, int bit, String name) {
    public static final int INCOMPATIBLE = 0;
    public static final int COMPATIBLE = 1;
    public static final int AUTOCLEAR = 2;
    /** Size of one table entry on disk. */
    public static final int ENTRY_SIZE = 48;
    private static final int NAME_AT = 2;

    /** The table QEMU writes into new version 3 images. */
    public static final List<FeatureName> QEMU_TABLE = List.of(
            new FeatureName(INCOMPATIBLE, 0, "dirty bit"), new FeatureName(INCOMPATIBLE, 1, "corrupt bit"),
            new FeatureName(INCOMPATIBLE, 2, "external data file"),
            new FeatureName(INCOMPATIBLE, 3, "compression type"),
            new FeatureName(INCOMPATIBLE, 4, "extended L2 entries"), new FeatureName(COMPATIBLE, 0, "lazy refcounts"),
            new FeatureName(AUTOCLEAR, 0, "bitmaps"), new FeatureName(AUTOCLEAR, 1, "raw external data"));

    /** Decodes a feature name table payload; a trailing partial entry is ignored. */
    public static List<FeatureName> readTable(byte[] d) {
        List<FeatureName> names = new ArrayList<>();
        for (int at = 0; at + ENTRY_SIZE <= d.length; at += ENTRY_SIZE) {
            int end = at + NAME_AT;
            while (end < at + ENTRY_SIZE && d[end] != 0) {
                end++;
            }
            names.add(new FeatureName(d[at] & 0xff, d[at + 1] & 0xff,
                    new String(d, at + NAME_AT, end - at - NAME_AT, StandardCharsets.UTF_8)));
        }
        return names;
    }

    /** Encodes a feature name table payload (names longer than 46 bytes are cut). */
    public static byte[] writeTable(List<FeatureName> names) {
        ByteBuffer b = ByteBuffer.allocate(names.size() * ENTRY_SIZE);
        for (FeatureName f : names) {
            int at = b.position();
            byte[] name = f.name().getBytes(StandardCharsets.UTF_8);
            b.put((byte) f.kind()).put((byte) f.bit()).put(name, 0, Math.min(name.length, ENTRY_SIZE - NAME_AT));
            b.position(at + ENTRY_SIZE);
        }
        return b.array();
    }
}
