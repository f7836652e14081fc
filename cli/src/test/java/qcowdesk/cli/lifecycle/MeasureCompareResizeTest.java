package qcowdesk.cli.lifecycle;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/** {@code measure}, {@code compare} and {@code resize} print and return what qemu-img does on the same images. */
class MeasureCompareResizeTest {

    @TempDir
    static Path dir;
    static Path data;
    static Path v2;
    static Path sparseRaw;

    @BeforeAll
    static void images() throws Exception {
        data = create(dir, "data.qcow2", "100M");
        io(data, "write -P 1 0 1M", "write -P 2 10M 4k", "write -z 20M 1M", "write -c -P 3 30M 64k");
        v2 = create(dir, "v2.qcow2", "16M", "-o", "compat=0.10,cluster_size=4k");
        io(v2, "write -P 4 4k 20k");
        sparseRaw = dir.resolve("sparse.raw");
        // a sparse file: one written run, the rest holes (setLength extends without writing)
        try (RandomAccessFile f = new RandomAccessFile(sparseRaw.toFile(), "rw")) {
            f.seek(409600);
            byte[] run = new byte[12288];
            run[0] = 7;
            f.write(run);
            f.setLength(10 << 20);
        }
    }

    @Test
    void measureMatchesQemuImg() {
        String[][] cases = {
                {data.toString()}, {"-O", "qcow2", data.toString()}, {"-O", "qcow2", "--output=json", data.toString()},
                {"-O", "qcow2", "-o", "cluster_size=4k", data.toString()}, {"-O", "qcow2", v2.toString()},
                {"-O", "qcow2", "-o", "compat=0.10", data.toString()}, {"-O", "qcow2", "--size", "1G"},
                {"-O", "qcow2", "--size", "3T", "--output=json"}, {"-O", "qcow2", sparseRaw.toString()},
                {"-O", "qcow2", "-o", "extended_l2=on,cluster_size=2M,refcount_bits=1", data.toString()},
                {"-O", "qcow2", "-o", "backing_file=x,backing_fmt=qcow2", data.toString()},
                {"-O", "qcow2", "-o", "refcount_bits=64,cluster_size=512", data.toString()}};
        for (String[] args : cases) {
            List<String> ours = new ArrayList<>(List.of("measure"));
            ours.addAll(List.of(args));
            CliRun run = CliRun.of(ours.toArray(String[]::new));
            List<String> theirs = new ArrayList<>(List.of("qemu-img", "measure"));
            theirs.addAll(List.of(args));
            Peers.Result qemu = Peers.ok(theirs.toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.err());
            assertEquals(qemu.stdout().strip(), run.out().strip(), String.join(" ", args));
        }
    }

    @Test
    void compareMatchesQemuImgMessagesAndExitCodes() throws Exception {
        Path same = copy(data, "same.qcow2");
        Path oneByte = copy(data, "onebyte.qcow2");
        io(oneByte, "write -P 9 10488760 1");
        Path empty = create(dir, "empty.qcow2", "100M");
        Path zeroCluster = create(dir, "zerocluster.qcow2", "100M");
        io(zeroCluster, "write -z 0 1M");
        Path larger = copy(data, "larger.qcow2");
        Peers.ok("qemu-img", "resize", "-q", larger.toString(), "200M");
        Path largerWithData = copy(larger, "largerdata.qcow2");
        io(largerWithData, "write -P 5 157286912 1");
        Path raw = dir.resolve("data.raw");
        Peers.ok("qemu-img", "convert", "-O", "raw", data.toString(), raw.toString());
        String[][] cases = {
                {data.toString(), same.toString()}, {data.toString(), oneByte.toString()},
                {data.toString(), empty.toString()}, {empty.toString(), zeroCluster.toString()},
                {"-s", empty.toString(), zeroCluster.toString()}, {data.toString(), larger.toString()},
                {largerWithData.toString(), data.toString()}, {data.toString(), raw.toString()},
                {"-q", data.toString(), oneByte.toString()}, {"-s", data.toString(), oneByte.toString()},
                {"-f", "qcow2", "-F", "raw", data.toString(), raw.toString()}};
        for (String[] args : cases) {
            List<String> ours = new ArrayList<>(List.of("compare"));
            ours.addAll(List.of(args));
            CliRun run = CliRun.of(ours.toArray(String[]::new));
            List<String> theirs = new ArrayList<>(List.of("qemu-img", "compare"));
            theirs.addAll(List.of(args));
            Peers.Result qemu = Peers.run(theirs.toArray(String[]::new));
            assertEquals(qemu.exitCode(), run.exitCode(), String.join(" ", args) + ": " + run.err());
            assertEquals(qemu.stdout(), run.out(), String.join(" ", args));
        }
        CliRun missing = CliRun.of("compare", data.toString(), dir.resolve("nothing.qcow2").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("nothing.qcow2"), missing.err());
    }

    @Test
    void resizeGrowsShrinksAndRefusesToCutData() throws Exception {
        Path image = copy(data, "resize.qcow2");
        Path reference = copy(data, "resize-ref.qcow2");
        CliRun grow = CliRun.of("resize", image.toString(), "+10M");
        assertEquals(0, grow.exitCode(), grow.err());
        assertEquals("Image resized.\n", grow.out());
        Peers.ok("qemu-img", "resize", "-q", reference.toString(), "+10M");
        assertEquals(110L << 20, virtualSize(image));
        checkClean(image);
        Peers.ok("qemu-img", "compare", "-q", image.toString(), reference.toString());
        io(image, "write -P 6 105M 64k"); // QEMU writes into the grown part

        CliRun noFlag = CliRun.of("resize", image.toString(), "--", "-10M");
        assertEquals(1, noFlag.exitCode());
        assertTrue(noFlag.err().contains("--shrink"), noFlag.err());
        CliRun overData = CliRun.of("resize", "--shrink", image.toString(), "100M");
        assertEquals(1, overData.exitCode());
        assertTrue(overData.err().contains("holds data") && overData.err().contains("offset 110100480"),
                overData.err());
        assertEquals(110L << 20, virtualSize(image));
        io(image, "discard 105M 64k");
        CliRun shrink = CliRun.of("resize", "--shrink", image.toString(), "--", "-10M");
        assertEquals(0, shrink.exitCode(), shrink.err());
        assertEquals(100L << 20, virtualSize(image));
        checkClean(image);
        Peers.ok("qemu-img", "compare", "-q", image.toString(), data.toString());

        // 5 TiB needs more L1 entries than the table's cluster holds (8192 of 512 MiB each): the table moves
        long l1Before = l1TableOffset(image);
        Path moved = copy(image, "resize-moved-ref.qcow2");
        CliRun far = CliRun.of("resize", image.toString(), "5T");
        assertEquals(0, far.exitCode(), far.err());
        Peers.ok("qemu-img", "resize", "-q", moved.toString(), "5T");
        assertEquals(5L << 40, virtualSize(image));
        assertTrue(l1TableOffset(image) != l1Before, "the L1 table did not move");
        checkClean(image);
        Peers.ok("qemu-img", "compare", "-q", image.toString(), moved.toString());
        io(image, "write -P 7 " + (5L << 39) + " 64k");
        io(image, "read -P 7 " + (5L << 39) + " 64k", "read -P 1 0 1M");
        checkClean(image);
    }

    /** l1_table_offset from the header (bytes 40..47, big-endian). */
    private static long l1TableOffset(Path image) throws Exception {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(image)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
            ch.read(b, 40);
            return b.getLong(0);
        }
    }

    private static long virtualSize(Path image) throws Exception {
        return qcowdesk.engine.qcow2.tools.ImageInfo.of(image).virtualSize();
    }

    private static Path copy(Path from, String name) throws Exception {
        return Files.copy(from, dir.resolve(name));
    }
}
