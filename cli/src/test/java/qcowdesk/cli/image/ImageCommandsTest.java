package qcowdesk.cli.image;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code info}, {@code map} and {@code check} against what qemu-img says about the same images. */
class ImageCommandsTest {

    @TempDir
    static Path dir;
    /** name -> image: the layouts users bring, all made by qemu-img and qemu-io. */
    static final Map<String, Path> IMAGES = new LinkedHashMap<>();

    @BeforeAll
    static void images() {
        Path plain = create("plain.qcow2", "64M");
        io(plain, "write -P 1 0 100k", "write -z 1M 128k", "write -P 2 10M 3M", "discard 11M 64k", "write -P 3 63M 1M");
        Path v2 = create("v2.qcow2", "16M", "-o", "compat=0.10,cluster_size=4k");
        io(v2, "write -P 4 4k 20k", "write -P 5 8M 64k");
        Path base = create("base.qcow2", "32M", "-o", "cluster_size=16k");
        io(base, "write -P 6 0 1M", "write -P 7 20M 512k");
        Path overlay = dir.resolve("overlay.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", overlay.toString());
        io(overlay, "write -P 8 512k 1M", "write -z 20M 64k");
        Path subclusters = create("subclusters.qcow2", "8M", "-o",
                "extended_l2=on,cluster_size=64k,lazy_refcounts=on,refcount_bits=1");
        io(subclusters, "write -P 9 2k 2k", "write -P 10 130k 8k", "write -z 1M 64k");
        Path compressed = create("compressed.qcow2", "8M");
        io(compressed, "write -c -P 11 0 64k", "write -P 12 1M 64k");
        for (Path image : new Path[] {plain, v2, base, overlay, subclusters, compressed}) {
            IMAGES.put(image.getFileName().toString(), image);
        }
    }

    @Test
    void infoEqualsQemuImgInfo() throws Exception {
        for (Path image : IMAGES.values()) {
            CliRun json = CliRun.of("info", "--json", image.toString());
            assertEquals(0, json.exitCode(), json.err());
            assertEquals(qemuJson("info", "--output=json", image.toString()), QemuJson.mapper().readTree(json.out()),
                    image.toString());
            CliRun human = CliRun.of("info", image.toString());
            String qemu = Peers.ok("qemu-img", "info", image.toString()).stdout();
            // qemu-img's text word for word, then (for images that name other files) the files they open
            assertEquals(qemu, human.out().substring(0, Math.min(qemu.length(), human.out().length())),
                    image.toString());
            String chain = human.out().substring(qemu.length());
            assertTrue(chain.isEmpty() || chain.startsWith("Files opened:\n"), chain);
        }
    }

    @Test
    void mapEqualsQemuImgMap() throws Exception {
        for (Path image : IMAGES.values()) {
            CliRun json = CliRun.of("map", "--output=json", image.toString());
            assertEquals(0, json.exitCode(), json.err());
            assertEquals(qemuJson("map", "--output=json", image.toString()), QemuJson.mapper().readTree(json.out()),
                    image.toString());
            Peers.Result qemu = Peers.run("qemu-img", "map", image.toString());
            CliRun human = CliRun.of("map", image.toString());
            if (qemu.exitCode() == 0) {
                assertEquals(0, human.exitCode(), human.err());
                assertEquals(qemu.stdout(), human.out(), image.toString());
            } else {
                assertEquals(ExitCodes.REFUSED, human.exitCode(), image + " (compressed clusters)");
                assertEquals("qcowctl: File contains external, encrypted or compressed clusters.\n", human.err());
            }
        }
    }

    @Test
    void checkCountsAndTextEqualQemuImgCheck() throws Exception {
        Path leaky = damaged("leaky.qcow2", true);
        Path corrupt = damaged("corrupt.qcow2", false);
        Map<Path, Integer> expectedStatus = new LinkedHashMap<>();
        IMAGES.values().forEach(image -> expectedStatus.put(image, ExitCodes.OK));
        expectedStatus.put(leaky, ExitCodes.CHECK_LEAKS);
        expectedStatus.put(corrupt, ExitCodes.CHECK_CORRUPT);
        for (Map.Entry<Path, Integer> e : expectedStatus.entrySet()) {
            String image = e.getKey().toString();
            Peers.Result qemu = Peers.run("qemu-img", "check", "--output=json", image);
            assertEquals(e.getValue(), qemu.exitCode(), "qemu-img agrees on " + image);
            CliRun json = CliRun.of("check", "--json", image);
            assertEquals(e.getValue(), json.exitCode(), image + ": " + json.err());
            assertEquals(QemuJson.mapper().readTree(qemu.stdout()), QemuJson.mapper().readTree(json.out()), image);
            CliRun human = CliRun.of("check", image);
            assertEquals(e.getValue(), human.exitCode());
            assertEquals(Peers.run("qemu-img", "check", image).stdout(), human.out(), image);
        }
    }

    @Test
    void repairFreesLeakedClusters() throws Exception {
        Path leaky = damaged("repair-me.qcow2", true);
        CliRun repair = CliRun.of("check", "--repair", leaky.toString());
        assertEquals(ExitCodes.OK, repair.exitCode(), repair.err());
        assertTrue(repair.out().startsWith("The following inconsistencies were found and repaired:\n\n"
                + "    2 leaked clusters\n    0 corruptions\n\nDouble checking the fixed image now...\n"
                + "No errors were found on the image.\n"), repair.out());
        Peers.ok("qemu-img", "check", leaky.toString());
        Peers.ok("qemu-io", "-c", "read -P 1 0 128k", leaky.toString());

        Path corrupt = damaged("repair-all.qcow2", false);
        CliRun json = CliRun.of("check", "-r", "all", "--json", corrupt.toString());
        assertEquals(ExitCodes.OK, json.exitCode(), json.err());
        assertTrue(QemuJson.mapper().readTree(json.out()).path("corruptions-fixed").asLong() > 0, json.out());
        Peers.ok("qemu-img", "check", corrupt.toString());
        Peers.ok("qemu-io", "-c", "read -P 1 0 128k", corrupt.toString());
    }

    @Test
    void badImagesAndArgumentsAreReportedOnOneLine() throws Exception {
        // the QCOW2 magic, then a version no reader knows: a file without the magic is a raw file (see below)
        Path garbage = dir.resolve("garbage.qcow2");
        byte[] bytes = new byte[1000];
        ByteBuffer.wrap(bytes).putInt(0x514649fb).putInt(99);
        Files.write(garbage, bytes);
        for (String command : new String[] {"info", "map", "check"}) {
            CliRun run = CliRun.of(command, garbage.toString());
            assertEquals(ExitCodes.REFUSED, run.exitCode(), command);
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().startsWith("qcowctl: "), run.err());
            CliRun missing = CliRun.of(command, dir.resolve("missing.qcow2").toString());
            assertEquals(ExitCodes.REFUSED, missing.exitCode(), command);
            assertTrue(missing.err().contains("missing.qcow2"), missing.err());
        }
        assertEquals(ExitCodes.USAGE, CliRun.of("check", "-r", "everything", garbage.toString()).exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("info", "--output=xml", garbage.toString()).exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("map").exitCode());
    }

    @Test
    void infoDescribesARawFileAsQemuImgDoes() throws Exception {
        Path raw = dir.resolve("disk.img");
        Files.write(raw, new byte[3 * 1024 * 1024 + 512]);
        CliRun json = CliRun.of("info", "--json", raw.toString());
        assertEquals(0, json.exitCode(), json.err());
        assertEquals(qemuJson("info", "--output=json", raw.toString()), QemuJson.mapper().readTree(json.out()));
        CliRun human = CliRun.of("info", raw.toString());
        assertEquals(Peers.ok("qemu-img", "info", raw.toString()).stdout(), human.out());
    }

    /** A fresh image with two leaked clusters, or with an L2 table whose refcount is zero (a corruption). */
    private static Path damaged(String name, boolean leak) throws Exception {
        Path image = create(name, "64M");
        io(image, "write -P 1 0 128k");
        // qemu-img create's layout: header, refcount table, refcount block (16-bit entries) at 0x20000, L1, L2, data
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.WRITE)) {
            if (leak) {
                file.write(ByteBuffer.wrap(new byte[1]), 9 * 65536L - 1);
                file.write(ByteBuffer.wrap(new byte[] {0, 1, 0, 1}), 0x20000 + 2 * 7);
            } else {
                file.write(ByteBuffer.wrap(new byte[] {0, 0}), 0x20000 + 2 * 4);
            }
        }
        return image;
    }

    private static JsonNode qemuJson(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "qemu-img";
        System.arraycopy(args, 0, command, 1, args.length);
        return QemuJson.mapper().readTree(Peers.ok(command).stdout());
    }

    private static Path create(String name, String size, String... options) {
        Path image = dir.resolve(name);
        String[] command = new String[options.length + 7];
        command[0] = "qemu-img";
        command[1] = "create";
        command[2] = "-q";
        command[3] = "-f";
        command[4] = "qcow2";
        System.arraycopy(options, 0, command, 5, options.length);
        command[command.length - 2] = image.toString();
        command[command.length - 1] = size;
        Peers.ok(command);
        return image;
    }

    private static void io(Path image, String... commands) {
        String[] command = new String[commands.length * 2 + 2];
        command[0] = "qemu-io";
        for (int i = 0; i < commands.length; i++) {
            command[1 + 2 * i] = "-c";
            command[2 + 2 * i] = commands[i];
        }
        command[command.length - 1] = image.toString();
        Peers.ok(command);
    }
}
