package qcowdesk.cli.image;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code qcowctl create}: images that qemu-img checks clean and describes as asked. */
class CreateCommandTest {

    @TempDir
    Path dir;

    @Test
    void defaultImageIsCleanAndLikeQemuImgs() throws Exception {
        Path ours = dir.resolve("ours.qcow2");
        CliRun run = CliRun.of("create", ours.toString(), "1.5G");
        assertEquals(0, run.exitCode(), run.err());
        Path theirs = dir.resolve("theirs.qcow2");
        String qemuLine = Peers.ok("qemu-img", "create", "-f", "qcow2", theirs.toString(), "1.5G").stdout();
        assertEquals(qemuLine.replace(theirs.toString(), ours.toString()), run.out());
        Peers.ok("qemu-img", "check", ours.toString());
        JsonNode info = info(ours);
        JsonNode expected = info(theirs);
        for (String field : new String[] {"virtual-size", "cluster-size", "format", "format-specific", "dirty-flag"}) {
            assertEquals(expected.get(field), info.get(field), field);
        }
    }

    @Test
    void imageOptionsReachTheImage() throws Exception {
        Path image = dir.resolve("opts.qcow2");
        CliRun run = CliRun.of("create", "-f", "qcow2", "-o", "cluster_size=32k,refcount_bits=64",
                "-o", "extended_l2=on,lazy_refcounts=on", image.toString(), "3M");
        assertEquals(0, run.exitCode(), run.err());
        Peers.ok("qemu-img", "check", image.toString());
        JsonNode info = info(image);
        assertEquals(32768, info.get("cluster-size").asInt());
        assertEquals(3 << 20, info.get("virtual-size").asLong());
        JsonNode data = info.get("format-specific").get("data");
        assertEquals("1.1", data.get("compat").asText());
        assertEquals(64, data.get("refcount-bits").asInt());
        assertTrue(data.get("extended-l2").asBoolean());
        assertTrue(data.get("lazy-refcounts").asBoolean());
    }

    @Test
    void compatZeroTenMakesAVersion2Image() throws Exception {
        Path image = dir.resolve("v2.qcow2");
        assertEquals(0, CliRun.of("create", "-q", "-o", "compat=0.10", image.toString(), "100M").exitCode());
        Peers.ok("qemu-img", "check", image.toString());
        assertEquals("0.10", info(image).get("format-specific").get("data").get("compat").asText());
    }

    @Test
    void overlayRecordsItsBackingFile() throws Exception {
        Path base = dir.resolve("base.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "64M");
        Peers.ok("qemu-io", "-c", "write -P 7 0 1M", base.toString());
        Path overlay = dir.resolve("overlay.qcow2");
        CliRun run = CliRun.of("create", "-b", "base.qcow2", "-F", "qcow2", overlay.toString());
        assertEquals(0, run.exitCode(), run.err());
        Peers.ok("qemu-img", "check", overlay.toString());
        JsonNode info = info(overlay);
        assertEquals("base.qcow2", info.get("backing-filename").asText());
        assertEquals("qcow2", info.get("backing-filename-format").asText());
        assertEquals(64L << 20, info.get("virtual-size").asLong(), "the size of the backing file");
        Peers.ok("qemu-img", "compare", base.toString(), overlay.toString());
    }

    @Test
    void rawBackingFileGivesItsSize() throws Exception {
        Path raw = dir.resolve("base.raw");
        Files.write(raw, new byte[3 << 20]);
        Path overlay = dir.resolve("on-raw.qcow2");
        assertEquals(0, CliRun.of("create", "-q", "-b", raw.toString(), "-F", "raw", overlay.toString()).exitCode());
        Peers.ok("qemu-img", "check", overlay.toString());
        assertEquals(3L << 20, info(overlay).get("virtual-size").asLong());
        CliRun missing = CliRun.of("create", "-b", "nothing.qcow2", "-F", "qcow2", dir.resolve("o.qcow2").toString());
        assertEquals(ExitCodes.REFUSED, missing.exitCode());
        assertTrue(missing.err().contains("nothing.qcow2"), missing.err());
    }

    @Test
    void badArgumentsAreUsageErrorsAndCreateNothing() {
        Path image = dir.resolve("never.qcow2");
        assertUsage("'12X' is not a size", "create", image.toString(), "12X");
        assertUsage("invalid image option 'foo'", "create", "-o", "foo=1", image.toString(), "1M");
        assertUsage("invalid compat value '2'", "create", "-o", "compat=2", image.toString(), "1M");
        assertUsage("only qcow2 is supported", "create", "-f", "vmdk", image.toString(), "1M");
        assertUsage("add -F qcow2 or -F raw", "create", "-b", "base.qcow2", image.toString(), "1M");
        assertUsage("missing SIZE", "create", image.toString());
        assertUsage("Missing required parameter", "create");
        assertFalse(Files.exists(image));
    }

    @Test
    void invalidValuesAreRefusedWithTheEnginesMessage() {
        Path image = dir.resolve("never.qcow2");
        CliRun run = CliRun.of("create", "-o", "cluster_size=3000", image.toString(), "1M");
        assertEquals(ExitCodes.REFUSED, run.exitCode());
        assertEquals("qcowctl: cluster size must be a power of two from 512 to 2097152 bytes, got 3000\n", run.err());
        assertFalse(Files.exists(image));
    }

    @Test
    void existingFileIsNotOverwritten() throws Exception {
        Path image = dir.resolve("precious.qcow2");
        Files.writeString(image, "data");
        CliRun run = CliRun.of("create", image.toString(), "1M");
        assertEquals(ExitCodes.REFUSED, run.exitCode());
        assertTrue(run.err().startsWith("qcowctl: ") && run.err().contains("already exists"), run.err());
        assertEquals("data", Files.readString(image));
    }

    @Test
    void optionHelpListsTheOptions() {
        CliRun run = CliRun.of("create", "-o", "help", "x.qcow2");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("Supported options:\n"));
        assertTrue(run.out().contains("cluster_size=<size>"));
    }

    @Test
    void optionHelpNeedsNoImageAsWithQemuImg() {
        CliRun run = CliRun.of("create", "-o", "help");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Supported options:\n"));
        assertUsage("Missing required parameter: 'IMAGE'", "create", "-o", "cluster_size=64k");
    }

    private static void assertUsage(String messagePart, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("qcowctl: ") && run.err().contains(messagePart), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    private static JsonNode info(Path image) throws Exception {
        return QemuJson.mapper().readTree(Peers.ok("qemu-img", "info", "--output=json", image.toString()).stdout());
    }
}
