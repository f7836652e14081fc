package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compares what a {@link VirtualDisk} reads with a raw reference file, chunk by chunk, naming the first differing
 * byte. Huge sparse disks are compared on the ranges qemu-img map reports as present plus a sample of each hole.
 */
final class ReadComparison {

    private static final int CHUNK = 1 << 20;
    private static final long HOLE_SAMPLE = 64 * 1024;

    private ReadComparison() {
    }

    /** Every byte of the disk. */
    static void assertWhole(VirtualDisk disk, Path raw) throws IOException {
        assertRanges(disk, raw, List.of(new long[]{0, disk.size()}));
    }

    /** Present extents in full; of each absent extent its first, middle and last 64 KiB. */
    static void assertGuidedBy(List<MapEntry> qemuMap, VirtualDisk disk, Path raw) throws IOException {
        List<long[]> ranges = new ArrayList<>();
        for (MapEntry e : qemuMap) {
            if (e.present() || e.length() <= 3 * HOLE_SAMPLE) {
                ranges.add(new long[]{e.start(), e.length()});
            } else {
                ranges.add(new long[]{e.start(), HOLE_SAMPLE});
                ranges.add(new long[]{e.start() + e.length() / 2 / 512 * 512, HOLE_SAMPLE});
                ranges.add(new long[]{e.end() - HOLE_SAMPLE, HOLE_SAMPLE});
            }
        }
        assertRanges(disk, raw, ranges);
    }

    static void assertRanges(VirtualDisk disk, Path raw, List<long[]> ranges) throws IOException {
        try (FileChannel expected = FileChannel.open(raw, StandardOpenOption.READ)) {
            assertEquals(expected.size(), disk.size(), "virtual size of " + raw.getFileName());
            ByteBuffer want = ByteBuffer.allocate(CHUNK);
            ByteBuffer got = ByteBuffer.allocate(CHUNK);
            for (long[] range : ranges) {
                long end = range[0] + range[1];
                for (long pos = range[0]; pos < end; pos += CHUNK) {
                    int n = (int) Math.min(CHUNK, end - pos);
                    want.clear().limit(n);
                    got.clear().limit(n);
                    readFully(expected, want, pos);
                    disk.read(pos, got);
                    int mismatch = Arrays.mismatch(want.array(), 0, n, got.array(), 0, n);
                    if (mismatch >= 0) {
                        throw new AssertionError(String.format(
                                "%s: guest byte %d differs: expected 0x%02x, read 0x%02x",
                                raw.getFileName(), pos + mismatch, want.get(mismatch), got.get(mismatch)));
                    }
                }
            }
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            if (channel.read(dst, position + dst.position()) < 0) {
                throw new IOException("reference ends early at " + (position + dst.position()));
            }
        }
    }
}
