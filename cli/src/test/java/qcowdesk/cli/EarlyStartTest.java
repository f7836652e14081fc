package qcowdesk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.format.QemuJson;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import static qcowdesk.cli.QcowctlProcess.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code qcowctl} starts before it parses its command line ({@link EarlyStart}), seen from outside: the
 * commands, started as a user starts them, answer exactly as before (checked against QEMU's tools), and serving
 * the first client neither scans the class path for an NIO provider nor links a record's generated methods.
 */
class EarlyStartTest {

    @TempDir
    Path dir;

    @Test
    void theProviderNamedIsTheOneTheJdkWouldPick() throws Exception {
        // the test JVM opens sun.nio.ch (surefire's argLine), as qcowctl's manifest does
        Object platformDefault = Class.forName("sun.nio.ch.DefaultSelectorProvider").getMethod("get").invoke(null);
        assertEquals(EarlyStart.LINUX_SELECTOR_PROVIDER, platformDefault.getClass().getName());
    }

    @Test
    void infoWithTheEarlyStatReportsQemuImgsDiskSizeExactly() throws Exception {
        Path image = Qemu.create(dir, "sparse.qcow2", "256M", 65536);
        // data here and there: the file's allocated size differs from its length
        Qemu.io(image, "write -P 1 0 3M", "write -P 2 100M 64k", "write -P 3 200M 1M").assertOk();
        long qemuActual = Qemu.info(image).get("actual-size").asLong();
        assertTrue(qemuActual != Files.size(image), "the image is sparse on this file system");

        QcowctlProcess.Result json = QcowctlProcess.run(dir, dir, "info", "--json", image.toString());
        assertEquals(0, json.exitCode(), json.stderr());
        assertEquals(qemuActual, QemuJson.mapper().readTree(json.stdout()).get("actual-size").asLong());

        QcowctlProcess.Result text = QcowctlProcess.run(dir, dir, "info", image.toString());
        assertEquals(0, text.exitCode(), text.stderr());
        String qemuDiskSize = diskSizeLine(Peers.ok("qemu-img", "info", image.toString()).stdout());
        assertEquals(qemuDiskSize, diskSizeLine(text.stdout()));
    }

    @Test
    void infoOfAFileThatIsNotThereStillSaysSo() {
        QcowctlProcess.Result result = QcowctlProcess.run(dir, dir, "info", dir.resolve("missing.qcow2").toString());
        assertEquals(1, result.exitCode());
        assertTrue(result.stderr().contains("missing.qcow2"), result.stderr());
    }

    @Test
    void servingTheFirstClientScansNoClassPathAndLinksNoRecordMethods() throws Exception {
        Peers.require("nbdinfo");
        Path image = Qemu.create(dir, "disk.qcow2", "64M", 65536);
        Path socket = dir.resolve("nbd.sock");
        Path classes = dir.resolve("classes.log");
        Map<String, String> logClassLoading = Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + classes);
        try (QcowctlProcess serve = QcowctlProcess.start(logClassLoading, dir, dir, "serve", "--socket",
                socket.toString(), image.toString())) {
            String uri = serve.nextLine(READY);
            assertEquals(String.valueOf(64L << 20), Peers.ok("nbdinfo", "--size", uri).stdout().trim());
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(READY).exitCode());
        }
        List<String> loaded = Files.readAllLines(classes);
        assertTrue(loaded.stream().anyMatch(line -> line.contains("qcowdesk.bridge.nbd.Transmission ")),
                "the log covers the client's session");
        // the JDK's service lookup for a SelectorProvider opens and searches every jar on the class path
        assertFalse(loaded.stream().anyMatch(line -> line.contains("java.util.ServiceLoader$LazyClassPathLookupIterator")),
                "the class path was scanned for an NIO provider");
        // a record's equals/hashCode/toString is linked at its first call by generating some 15 classes
        assertFalse(loaded.stream().anyMatch(line -> line.contains("java.lang.runtime.ObjectMethods ")),
                "a record's generated methods were linked while serving");
    }

    private static String diskSizeLine(String text) {
        return text.lines().filter(line -> line.startsWith("disk size:")).findFirst().orElse("(no disk size line)");
    }
}
