package qcowdesk.engine.qcow2.tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Qemu;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Qcow2CreatorTest {

    @TempDir
    Path dir;

    static Stream<CreateOptions> layouts() {
        List<CreateOptions> all = new ArrayList<>();
        for (int cluster = 512; cluster <= 2 << 20; cluster *= 4) {
            all.add(CreateOptions.of(16 << 20).withClusterSize(cluster).withVersion(2));
            all.add(CreateOptions.of(16 << 20).withClusterSize(cluster));
        }
        all.add(CreateOptions.of(16 << 20).withClusterSize(2 << 20));
        for (int bits = 1; bits <= 64; bits *= 2) {
            all.add(CreateOptions.of(8 << 20).withClusterSize(4096).withRefcountBits(bits));
        }
        all.add(CreateOptions.of(8 << 20).withExtendedL2(true));
        all.add(CreateOptions.of(8 << 20).withClusterSize(16384).withExtendedL2(true).withLazyRefcounts(true));
        all.add(CreateOptions.of(1_000_000).withClusterSize(4096));
        // Several refcount blocks, then several refcount table clusters, for the L1 table alone.
        all.add(CreateOptions.of(1L << 30).withClusterSize(512).withRefcountBits(64));
        all.add(CreateOptions.of(8L << 30).withClusterSize(512).withRefcountBits(64));
        all.add(CreateOptions.of(1L << 40)); // 1 TiB, default geometry
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void createdImagePassesQemuCheckAndInfoAndTakesWrites(CreateOptions options) throws Exception {
        Path image = dir.resolve("new.qcow2");
        Qcow2Creator.create(image, options);

        assertClean(image);
        JsonNode info = Qemu.info(image);
        assertEquals(options.roundedVirtualSize(), info.get("virtual-size").asLong());
        assertEquals(options.clusterSize(), info.get("cluster-size").asInt());
        JsonNode data = info.get("format-specific").get("data");
        assertEquals(options.version() == 2 ? "0.10" : "1.1", data.get("compat").asText());
        assertEquals(options.refcountBits(), data.get("refcount-bits").asInt());
        assertEquals(options.lazyRefcounts(), data.path("lazy-refcounts").asBoolean(false));
        assertEquals(options.extendedL2(), data.path("extended-l2").asBoolean(false));
        assertFalse(info.has("backing-filename"));

        long size = options.roundedVirtualSize();
        long cluster = options.clusterSize();
        Qemu.io(image, Corpus.patterns(size, cluster));
        Qemu.io(image, "read -P 0x11 0 " + cluster, "read -P 0x55 " + (size - 512) + " 512",
                "read -P 0x33 " + (5 * cluster - 700) + " 1400");
        assertClean(image);
    }

    @ParameterizedTest
    @MethodSource("engineLayouts")
    void theEngineWritesCreatedImagesAndQemuReadsTheResult(CreateOptions options) throws Exception {
        Path image = dir.resolve("engine.qcow2");
        Qcow2Creator.create(image, options);
        long size = options.roundedVirtualSize();
        int first = (int) Math.min(options.clusterSize(), size / 4);
        int spanning = (int) Math.min(3L * options.clusterSize(), size / 4);
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readWrite())) {
            disk.write(0, filled(0x11, first));
            disk.write(size / 2 + 100, filled(0x22, spanning));
            disk.write(size - 512, filled(0x33, 512));
            disk.flush();
        }
        assertClean(image);
        Qemu.io(image, "read -P 0x11 0 " + first, "read -P 0x22 " + (size / 2 + 100) + " " + spanning,
                "read -P 0x33 " + (size - 512) + " 512");
    }

    static Stream<CreateOptions> engineLayouts() {
        return Stream.of(CreateOptions.of(8 << 20), CreateOptions.of(8 << 20).withVersion(2).withClusterSize(512),
                CreateOptions.of(64 << 20).withClusterSize(4096).withRefcountBits(1),
                CreateOptions.of(8 << 20).withExtendedL2(true).withLazyRefcounts(true),
                CreateOptions.of(1_000_000).withClusterSize(2 << 20));
    }

    private static ByteBuffer filled(int pattern, int length) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) pattern);
        return ByteBuffer.wrap(bytes);
    }

    @Test
    void overlayReadsItsBackingFileAndQemuSeesTheChain() throws Exception {
        Path base = dir.resolve("base.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "4M");
        Qemu.io(base, "write -P 0x5a 0 1M");
        Path top = dir.resolve("top.qcow2");
        Qcow2Creator.create(top, CreateOptions.of(4 << 20).withBacking("base.qcow2", "qcow2"));

        JsonNode info = Qemu.info(top);
        assertEquals("base.qcow2", info.get("backing-filename").asText());
        assertEquals("qcow2", info.get("backing-filename-format").asText());
        assertEquals(base.toString(), info.get("full-backing-filename").asText());
        Qemu.io(top, "read -P 0x5a 0 1M", "write -P 0x66 4096 512", "read -P 0x5a 0 4096", "read -P 0x66 4096 512");
        assertClean(top);
        assertTrue(Qemu.check(base).path("check-errors").asInt() == 0);
    }

    @Test
    void backingFileInSmallestClusterSizeKeepsFormatExtension() throws Exception {
        Path base = dir.resolve("b.raw");
        Files.write(base, new byte[1 << 20]);
        Path top = dir.resolve("t.qcow2");
        Qcow2Creator.create(top, CreateOptions.of(1 << 20).withClusterSize(512).withBacking("b.raw", "raw"));
        JsonNode info = Qemu.info(top);
        assertEquals("raw", info.get("backing-filename-format").asText());
        assertClean(top);
    }

    @Test
    void refusesToOverwrite() throws Exception {
        Path image = dir.resolve("exists.qcow2");
        Files.writeString(image, "precious");
        EngineException e = assertThrows(EngineException.class,
                () -> Qcow2Creator.create(image, CreateOptions.of(1 << 20)));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("precious", Files.readString(image));
    }

    @Test
    void missingBackingFileIsNamed() {
        EngineException e = assertThrows(EngineException.class, () -> Qcow2Creator.create(dir.resolve("x.qcow2"),
                CreateOptions.of(1 << 20).withBacking("nowhere.qcow2", "qcow2")));
        assertTrue(e.getMessage().contains("nowhere.qcow2"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.qcow2")));
    }

    static Stream<Arguments> invalidOptions() {
        CreateOptions ok = CreateOptions.of(1 << 20);
        return Stream.of(
                Arguments.of(CreateOptions.of(0), "virtual size must be positive, got 0"),
                Arguments.of(CreateOptions.of(-5), "virtual size must be positive, got -5"),
                Arguments.of(ok.withClusterSize(1000), "cluster size must be a power of two from 512 to 2097152 bytes, got 1000"),
                Arguments.of(ok.withClusterSize(256), "got 256"),
                Arguments.of(ok.withClusterSize(4 << 20), "got 4194304"),
                Arguments.of(ok.withVersion(4), "version must be 2 or 3, got 4"),
                Arguments.of(ok.withRefcountBits(3), "refcount bits must be a power of two from 1 to 64, got 3"),
                Arguments.of(ok.withRefcountBits(128), "got 128"),
                Arguments.of(ok.withRefcountBits(0), "got 0"),
                Arguments.of(ok.withVersion(2).withRefcountBits(8), "need version 3, got 8 with version 2"),
                Arguments.of(ok.withVersion(2).withExtendedL2(true), "extended L2 entries need version 3"),
                Arguments.of(ok.withClusterSize(4096).withExtendedL2(true), "at least 16384, got 4096"),
                Arguments.of(ok.withVersion(2).withLazyRefcounts(true), "lazy refcounts need version 3"),
                Arguments.of(CreateOptions.of(1L << 50).withClusterSize(512), "virtual size 1125899906842624 is too large for cluster size 512"),
                Arguments.of(CreateOptions.of(Long.MAX_VALUE), "too large"),
                Arguments.of(ok.withBacking(null, "qcow2"), "backing format 'qcow2' given without a backing file"),
                Arguments.of(ok.withBacking("", null), "backing file name is empty"),
                Arguments.of(ok.withBacking("b", "vmdk"), "backing format must be qcow2 or raw, got 'vmdk'"),
                Arguments.of(ok.withBacking("x".repeat(2000), null), "longer than 1023 bytes"));
    }

    @ParameterizedTest
    @MethodSource("invalidOptions")
    void invalidOptionsAreRefusedWithSpecificMessages(CreateOptions options, String message) {
        Path image = dir.resolve("never.qcow2");
        EngineException e = assertThrows(EngineException.class, () -> Qcow2Creator.create(image, options));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains(message), "'" + e.getMessage() + "' should contain '" + message + "'");
        assertFalse(Files.exists(image));
    }

    static void assertClean(Path image) {
        JsonNode check = Qemu.check(image);
        assertEquals(0, check.path("check-errors").asInt(), check.toString());
        assertEquals(0, check.path("leaks").asInt(), check.toString());
        assertEquals(0, check.path("corruptions").asInt(), check.toString());
    }
    @Test
    void eachOptionWitherChangesOnlyItsField() {
        CreateOptions o = CreateOptions.of(1 << 20);
        assertEquals(new CreateOptions(1 << 20, 4096, 3, 16, null, null, false, false, 0), o.withClusterSize(4096));
        assertEquals(new CreateOptions(1 << 20, 65536, 2, 16, null, null, false, false, 0), o.withVersion(2));
        assertEquals(new CreateOptions(1 << 20, 65536, 3, 64, null, null, false, false, 0), o.withRefcountBits(64));
        assertEquals(new CreateOptions(1 << 20, 65536, 3, 16, "b", "raw", false, false, 0), o.withBacking("b", "raw"));
        assertEquals(new CreateOptions(1 << 20, 65536, 3, 16, null, null, true, false, 0), o.withExtendedL2(true));
        assertEquals(new CreateOptions(1 << 20, 65536, 3, 16, null, null, false, true, 0), o.withLazyRefcounts(true));
        assertEquals(new CreateOptions(1 << 20, 65536, 3, 16, null, null, false, false, 1), o.withCompressionType(1));
        assertEquals(new CreateOptions(5 << 20, 65536, 3, 16, null, null, false, false, 0), o.withVirtualSize(5 << 20));
    }
}
