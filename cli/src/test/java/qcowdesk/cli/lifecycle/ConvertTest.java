package qcowdesk.cli.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import qcowdesk.cli.CliRun;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.ops.Convert;
import qcowdesk.engine.qcow2.ops.ConvertRequest;
import qcowdesk.engine.qcow2.ops.DiskFormat;
import qcowdesk.engine.qcow2.ops.Inputs;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/**
 * {@code convert}: every output passes qemu-img check and compares identical with qemu-img compare (so QEMU reads
 * the clusters we compressed, deflate and zstd), stays sparse, and with -B holds only what differs.
 */
class ConvertTest {

    @TempDir
    static Path dir;
    static Path text;
    static Path mixed;

    @BeforeAll
    static void images() throws IOException {
        // compressible text longer than QEMU's 4 KiB deflate window, random data, and holes
        text = dir.resolve("text.raw");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; lines.length() < 3 << 20; i++) {
            lines.append("line ").append(i).append(" of a text that repeats, ").append(i * 7919 % 10007).append('\n');
        }
        byte[] random = new byte[1 << 20];
        new Random(11).nextBytes(random);
        try (var f = new java.io.RandomAccessFile(text.toFile(), "rw")) {
            f.write(lines.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            f.seek(6 << 20);
            f.write(random);
            f.setLength(16 << 20);
        }
        mixed = create(dir, "mixed.qcow2", "16M", "-o", "cluster_size=16k");
        io(mixed, "write -P 1 0 100k", "write -z 1M 128k", "write -c -P 2 2M 64k", "write -P 3 15M 1M");
    }

    @Test
    void qcow2OutputsPassCheckAndCompare() {
        String[][] options = {{}, {"-c"}, {"-c", "-o", "compression_type=zstd"}, {"-o", "compat=0.10"},
                {"-c", "-o", "compat=0.10,cluster_size=512"}, {"-c", "-o", "cluster_size=2M"},
                {"-c", "-o", "refcount_bits=1"}, {"-c", "-o", "extended_l2=on,cluster_size=128k"},
                {"-c", "-m", "1", "-o", "compression_type=zstd,refcount_bits=2,cluster_size=4k"}};
        int n = 0;
        for (Path source : List.of(text, mixed)) {
            for (String[] o : options) {
                Path out = dir.resolve("out" + n++ + ".qcow2");
                List<String> args = new ArrayList<>(List.of("convert", "-O", "qcow2"));
                args.addAll(List.of(o));
                args.addAll(List.of(source.toString(), out.toString()));
                CliRun run = CliRun.of(args.toArray(String[]::new));
                assertEquals(0, run.exitCode(), args + ": " + run.err());
                checkClean(out);
                Peers.ok("qemu-img", "compare", "-q", source.toString(), out.toString());
                if (List.of(o).contains("-c")) {
                    String check = Peers.ok("qemu-img", "check", out.toString()).stdout();
                    assertTrue(check.contains("compressed clusters") && !check.contains(", 0.00% compressed"),
                            args + ": " + check);
                }
            }
        }
    }

    @Test
    void compressedOutputIsAboutAsSmallAsQemus() throws IOException {
        Path ours = dir.resolve("small-ours.qcow2");
        Path theirs = dir.resolve("small-qemu.qcow2");
        assertEquals(0, CliRun.of("convert", "-c", "-O", "qcow2", text.toString(), ours.toString()).exitCode());
        Peers.ok("qemu-img", "convert", "-c", "-O", "qcow2", text.toString(), theirs.toString());
        assertTrue(Files.size(ours) < Files.size(theirs) * 1.15, Files.size(ours) + " vs " + Files.size(theirs));
    }

    @Test
    void sparseRawAndWithBackingOnlyWhatDiffers() throws IOException {
        Path raw = dir.resolve("out.raw");
        CliRun toRaw = CliRun.of("convert", "-O", "raw", mixed.toString(), raw.toString());
        assertEquals(0, toRaw.exitCode(), toRaw.err());
        Peers.ok("qemu-img", "compare", "-q", mixed.toString(), raw.toString());
        assertEquals(16 << 20, Files.size(raw));
        long blocks = Long.parseLong(Peers.ok("stat", "-c", "%b", raw.toString()).stdout().strip());
        assertTrue(blocks * 512 < 2 << 20, "raw output is not sparse: " + blocks + " blocks");

        Path base = dir.resolve("base.qcow2");
        Peers.ok("qemu-img", "convert", "-O", "qcow2", text.toString(), base.toString());
        Path top = dir.resolve("top.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", top.toString());
        io(top, "write -P 5 1M 64k", "write -z 2M 128k", "write -P 6 12M 4k");
        for (String compat : List.of("1.1", "0.10")) {
            Path delta = dir.resolve("delta-" + compat + ".qcow2");
            CliRun run = CliRun.of("convert", "-O", "qcow2", "-o", "compat=" + compat, "-B", "base.qcow2", "-F",
                    "qcow2", top.toString(), delta.toString());
            assertEquals(0, run.exitCode(), run.err());
            checkClean(delta);
            Peers.ok("qemu-img", "compare", "-q", top.toString(), delta.toString());
            String map = Peers.ok("qemu-img", "map", "--output=json", delta.toString()).stdout();
            long own = 0;
            for (JsonNode e : QemuJson.mapper().readTree(map)) {
                own += e.get("depth").asInt() == 0 && e.get("data").asBoolean() ? e.get("length").asLong() : 0;
            }
            // the two written clusters; version 2 has no zero clusters, so it stores the zeroed ones as data
            assertEquals(compat.equals("1.1") ? 128 << 10 : 256 << 10, own, map);
        }
    }

    @Test
    void cancelLeavesNoFileAndKeepsAnExistingDestination() throws IOException {
        Path out = dir.resolve("cancelled.qcow2");
        Files.writeString(out, "previous contents");
        AtomicInteger calls = new AtomicInteger();
        try (VirtualDisk source = Inputs.open(text, DiskFormat.RAW)) {
            ConvertRequest request = new ConvertRequest(DiskFormat.QCOW2,
                    CreateOptions.of(source.size()).withClusterSize(4096), true, 2);
            assertThrows(CancellationException.class, () -> Convert.run(source, null, out, request,
                    ProgressListener.NONE, () -> calls.incrementAndGet() > 2));
        }
        assertEquals("previous contents", Files.readString(out));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left");
        }
    }
}
