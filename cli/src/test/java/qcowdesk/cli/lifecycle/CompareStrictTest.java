package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/**
 * {@code compare -s} side by side with {@code qemu-img compare -s} on pairs whose allocation agrees but whose
 * block status does not (runs that reach the end of the disk or stop at a host discontinuity, zero clusters with
 * and without a host cluster, compressed against plain clusters), and on pairs where it agrees: the same message
 * and exit code, so the same first offset.
 */
class CompareStrictTest {

    @TempDir
    Path dir;

    @Test
    void strictCompareSaysWhatQemuImgSays() throws Exception {
        List<String[]> pairs = new ArrayList<>();

        // the same data, written in order (one host run to the end) and out of order (two runs)
        Path inOrder = create(dir, "in-order.qcow2", "4M");
        io(inOrder, "write -P 1 0 4M");
        Path outOfOrder = create(dir, "out-of-order.qcow2", "4M");
        io(outOfOrder, "write -P 1 2M 2M", "write -P 1 0 2M");
        pairs.add(new String[] {inOrder.toString(), outOfOrder.toString()});
        pairs.add(new String[] {outOfOrder.toString(), inOrder.toString()});

        // a discontinuity in the middle of a 16 MiB disk, after 3 MiB of agreement
        Path middle = create(dir, "middle.qcow2", "16M");
        io(middle, "write -P 2 0 16M");
        Path middleSplit = create(dir, "middle-split.qcow2", "16M");
        io(middleSplit, "write -P 2 0 3M", "write -P 2 9M 7M", "write -P 2 3M 6M");
        pairs.add(new String[] {middle.toString(), middleSplit.toString()});

        // zero clusters: plain (no host cluster) against allocated, and against unallocated
        Path zeroPlain = create(dir, "zero-plain.qcow2", "4M");
        io(zeroPlain, "write -z 0 1M");
        Path zeroAlloc = create(dir, "zero-alloc.qcow2", "4M");
        io(zeroAlloc, "write -P 1 0 1M", "write -z 0 1M");
        Path empty = create(dir, "empty.qcow2", "4M");
        pairs.add(new String[] {zeroPlain.toString(), zeroAlloc.toString()});
        pairs.add(new String[] {zeroPlain.toString(), empty.toString()});

        // compressed against plain data of the same content
        Path plain = create(dir, "plain.qcow2", "4M");
        io(plain, "write -P 3 64k 1M");
        Path compressed = dir.resolve("compressed.qcow2");
        Peers.ok("qemu-img", "convert", "-c", "-O", "qcow2", plain.toString(), compressed.toString());
        pairs.add(new String[] {plain.toString(), compressed.toString()});
        pairs.add(new String[] {compressed.toString(), Files.copy(compressed, dir.resolve("c2.qcow2")).toString()});

        // small clusters: runs end at every L2 table (32 KiB of guest data), content differs far in
        Path small = create(dir, "small.qcow2", "2M", "-o", "cluster_size=512");
        io(small, "write -P 4 0 2M");
        Path smallOther = create(dir, "small-other.qcow2", "2M", "-o", "cluster_size=512");
        io(smallOther, "write -P 4 1M 1M", "write -P 4 0 1M", "write -P 5 1536k 512");
        pairs.add(new String[] {small.toString(), smallOther.toString()});

        // equal status, content differing after several 2 MiB chunks
        Path big = create(dir, "big.qcow2", "12M");
        io(big, "write -P 6 0 12M");
        Path bigOther = Files.copy(big, dir.resolve("big-other.qcow2"));
        io(bigOther, "write -P 7 5243392 512");
        pairs.add(new String[] {big.toString(), bigOther.toString()});
        pairs.add(new String[] {big.toString(), Files.copy(big, dir.resolve("big-copy.qcow2")).toString()});

        // an overlay against the same data flattened
        Path base = create(dir, "base.qcow2", "4M");
        io(base, "write -P 8 0 3M");
        Path overlay = create(dir, "overlay.qcow2", "4M", "-b", base.toString(), "-F", "qcow2");
        io(overlay, "write -P 9 1M 64k");
        Path flat = dir.resolve("flat.qcow2");
        Peers.ok("qemu-img", "convert", "-O", "qcow2", overlay.toString(), flat.toString());
        pairs.add(new String[] {overlay.toString(), flat.toString()});

        for (String[] pair : pairs) {
            Peers.Result qemu = Peers.run("qemu-img", "compare", "-s", pair[0], pair[1]);
            CliRun ours = CliRun.of("compare", "-s", pair[0], pair[1]);
            String what = "compare -s " + Path.of(pair[0]).getFileName() + " " + Path.of(pair[1]).getFileName();
            assertEquals(qemu.stdout(), ours.out(), what + ": " + ours.err());
            assertEquals(qemu.exitCode(), ours.exitCode(), what);
        }
    }
}
