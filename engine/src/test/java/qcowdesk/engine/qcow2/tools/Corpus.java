package qcowdesk.engine.qcow2.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

/**
 * Test images made at test time by the real qemu-img and qemu-io, covering the format's variants: both versions,
 * every cluster size, refcount widths, lazy refcounts, extended L2, preallocated metadata, zero clusters, discards,
 * compressed clusters (deflate and zstd), backing chains, odd sizes, a 64 GiB sparse disk, an ext4 filesystem and an
 * external data file. Data is written with recognisable patterns at aligned, unaligned and cluster-spanning offsets.
 *
 * <p>Building takes a few seconds, so one corpus is shared by every test class of the JVM ({@link #shared()}) and
 * removed when the JVM exits. Tests must not modify its files: copy one with {@link #copy} first.
 */
final class Corpus {

    static final long KiB = 1024;
    static final long MiB = 1024 * KiB;
    static final long GiB = 1024 * MiB;

    /** One corpus image: {@code path} is the top of its chain; {@code huge} images must not be read end to end. */
    record Image(String name, Path path, boolean huge) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code @MethodSource(Corpus.ALL)}: every corpus image as a test parameter. */
    static final String ALL = "qcowdesk.engine.qcow2.tools.Corpus#all";

    private static Corpus shared;

    private final Path dir;
    private final Map<String, Image> images = new LinkedHashMap<>();
    private final Map<String, Path> raws = new LinkedHashMap<>();

    private Corpus(Path dir) {
        this.dir = dir;
    }

    /** The corpus of this JVM, built on first use. */
    static synchronized Corpus shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("qcowdesk-corpus-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                shared = new Corpus(dir);
                shared.build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    static List<Image> all() {
        return shared().images();
    }

    List<Image> images() {
        return List.copyOf(images.values());
    }

    Image get(String name) {
        Image image = images.get(name);
        if (image == null) {
            throw new IllegalArgumentException("no corpus image " + name + "; have " + images.keySet());
        }
        return image;
    }

    /** The image converted by {@code qemu-img convert -O raw}: the expected guest content (sparse file). */
    synchronized Path raw(Image image) {
        return raws.computeIfAbsent(image.name(), name -> {
            Path raw = dir.resolve("expected").resolve(name + ".raw");
            Qemu.img("convert", "-O", "raw", image.path().toString(), raw.toString());
            return raw;
        });
    }

    /** Copies a standalone image (no backing file, no data file) to {@code target} for a test that changes it. */
    static Path copy(Image image, Path target) {
        try {
            return Files.copy(image.path(), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void build() throws IOException {
        Files.createDirectories(dir.resolve("expected"));
        for (int version = 2; version <= 3; version++) {
            for (long cluster = 512; cluster <= 2 * MiB; cluster *= 2) {
                String name = "v" + version + "-c" + sizeName(cluster);
                long size = Math.max(4 * MiB, 8 * cluster);
                Path p = create(name, size, "compat=" + compat(version) + ",cluster_size=" + cluster);
                Qemu.io(p, patterns(size, cluster));
                add(name, p);
            }
        }
        for (int bits : new int[]{1, 2, 8, 64}) {
            String name = "v3-refcount" + bits;
            Path p = create(name, 4 * MiB, "refcount_bits=" + bits + ",cluster_size=4096");
            Qemu.io(p, patterns(4 * MiB, 4096));
            add(name, p);
        }
        Path lazy = create("v3-lazy-refcounts", 4 * MiB, "lazy_refcounts=on");
        Qemu.io(lazy, patterns(4 * MiB, 64 * KiB));
        add("v3-lazy-refcounts", lazy);

        for (long cluster : new long[]{16 * KiB, 64 * KiB, 2 * MiB}) {
            buildExtendedL2(cluster);
        }
        for (int version = 2; version <= 3; version++) {
            String name = "v" + version + "-prealloc-metadata";
            Path p = create(name, 4 * MiB, "compat=" + compat(version) + ",preallocation=metadata");
            Qemu.io(p, patterns(4 * MiB, 64 * KiB));
            add(name, p);
        }
        buildZeroAndDiscard();
        buildCompressed();
        buildBackingChains();
        buildOddSizes();
        buildHuge();
        buildExt4();
        buildDataFile();
        buildSnapshotsAndBitmaps();
    }

    /** Internal snapshots share clusters with the active layer (refcounts above 1); bitmaps own clusters too. */
    private void buildSnapshotsAndBitmaps() {
        Path p = create("v3-snapshots-bitmaps", 4 * MiB, "cluster_size=16384");
        Qemu.io(p, patterns(4 * MiB, 16 * KiB));
        Qemu.img("bitmap", "--add", p.toString(), "tracking");
        Qemu.img("snapshot", "-c", "before", p.toString());
        Qemu.io(p, write(0xe1, 0, 64 * KiB), "discard " + 2 * MiB + " " + MiB);
        Qemu.img("snapshot", "-c", "after", p.toString());
        Qemu.io(p, write(0xe2, 3 * MiB, 32 * KiB));
        add("v3-snapshots-bitmaps", p);
    }

    private void buildExtendedL2(long cluster) {
        long size = Math.max(4 * MiB, 8 * cluster);
        long sub = cluster / 32;
        String name = "v3-extl2-c" + sizeName(cluster);
        Path p = create(name, size, "extended_l2=on,cluster_size=" + cluster);
        List<String> cmds = new ArrayList<>(List.of(patterns(size, cluster)));
        cmds.add(write(0x71, 2 * cluster + sub, sub));           // one subcluster, others unallocated
        cmds.add(write(0x72, 2 * cluster + 5 * sub + 100, 3 * sub)); // unaligned, spanning subclusters
        cmds.add("write -z " + (2 * cluster + 12 * sub) + " " + 2 * sub); // zero subclusters in an allocated cluster
        cmds.add("write -z " + (3 * cluster + sub) + " " + sub);  // zero subcluster, cluster otherwise unallocated
        cmds.add(write(0x73, 4 * cluster, cluster));
        cmds.add("discard " + (4 * cluster + 4 * sub) + " " + 4 * sub); // discard subclusters
        Qemu.io(p, cmds.toArray(String[]::new));
        add(name, p);
    }

    private void buildZeroAndDiscard() {
        long c = 64 * KiB;
        for (int version = 2; version <= 3; version++) {
            String zeros = "v" + version + "-zero-clusters";
            Path z = create(zeros, 4 * MiB, "compat=" + compat(version));
            Qemu.io(z, write(0x21, 0, 1 * MiB),
                    "write -z " + 2 * c + " " + 2 * c,          // zero over data, allocation kept
                    "write -z -u " + 6 * c + " " + 2 * c,       // zero over data, unmapped
                    "write -z " + 2 * MiB + " " + 3 * c,        // zero over nothing
                    "write -z " + (12 * c + 512) + " " + 4096,  // partial cluster: written as real zeros
                    write(0x22, 3 * MiB, c));
            add(zeros, z);

            String discard = "v" + version + "-discard";
            Path d = create(discard, 4 * MiB, "compat=" + compat(version));
            Qemu.io(d, write(0x31, 0, 2 * MiB),
                    "discard " + c + " " + 3 * c,               // whole clusters
                    "discard " + (8 * c + 4096) + " " + c,      // unaligned: only whole clusters inside go
                    "discard " + MiB + " " + (MiB / 2),
                    write(0x32, 2 * c, 512));                   // reuse after discard
            add(discard, d);
        }
    }

    private void buildCompressed() {
        long c = 64 * KiB;
        Path deflate = create("v3-compressed-deflate", 4 * MiB, "cluster_size=65536");
        Qemu.io(deflate, "write -c -P 0x41 0 " + 4 * c, write(0x42, 4 * c, c),
                "write -c -P 0x43 " + 8 * c + " " + c, write(0x44, 8 * c + 4096, 512)); // overwrite compressed
        add("v3-compressed-deflate", deflate);

        Path zstd = create("v3-compressed-zstd", 4 * MiB, "compression_type=zstd");
        Qemu.io(zstd, "write -c -P 0x51 0 " + 4 * c, write(0x52, 4 * c, c), "write -c -P 0x53 " + MiB + " " + c,
                "write -c -P 0x54 " + (4 * MiB - c) + " " + c);
        add("v3-compressed-zstd", zstd);

        // qemu-img convert -c compresses every cluster that shrinks; the source mixes patterns and random bytes.
        for (String[] variant : new String[][]{
                {"v2-convert-compressed-c4k", "compat=0.10,cluster_size=4096"},
                {"v3-convert-compressed-c512", "cluster_size=512"},
                {"v3-convert-compressed-zstd-c2M", "compression_type=zstd,cluster_size=2097152"},
                {"v3-convert-compressed-zstd-c16k", "compression_type=zstd,cluster_size=16384"}}) {
            Path source = dir.resolve(variant[0] + ".src.qcow2");
            Qemu.img("create", "-f", "qcow2", source.toString(), String.valueOf(6 * MiB));
            Qemu.io(source, patterns(6 * MiB, 4096));
            Qemu.io(source, "write -P 0x61 " + 2 * MiB + " " + MiB);
            Path target = dir.resolve(variant[0] + ".qcow2");
            Qemu.img("convert", "-c", "-O", "qcow2", "-o", variant[1], source.toString(), target.toString());
            add(variant[0], target);
        }
    }

    private void buildBackingChains() throws IOException {
        long c = 64 * KiB;
        Path base = create("chain-base", 4 * MiB, "compat=1.1");
        Qemu.io(base, write(0x81, 0, 2 * MiB), write(0x82, 3 * MiB, MiB));
        Path top = overlay("backing-qcow2", "chain-base.qcow2", "qcow2", 4 * MiB, "");
        Qemu.io(top, write(0x83, c + 4096, 4096),            // copy-on-write of a backing cluster
                "write -z " + 4 * c + " " + 2 * c,             // zero clusters hide backing data
                write(0x84, 2 * MiB + 512, 1000),              // over a backing hole
                "discard " + 3 * MiB + " " + c);
        add("backing-qcow2", top);

        Path raw = dir.resolve("raw-base.raw");
        Qemu.img("create", "-f", "raw", raw.toString(), String.valueOf(3 * MiB));
        Qemu.io(raw, write(0x91, 0, MiB), write(0x92, 2 * MiB + 333, 5000));
        Path overRaw = overlay("backing-raw", "raw-base.raw", "raw", 3 * MiB, "compat=0.10");
        Qemu.io(overRaw, write(0x93, 512, 512), write(0x94, MiB + c, c));
        add("backing-raw", overRaw);

        // raw <- v2 qcow2 (4 KiB clusters) <- v3 qcow2 (extended L2): three layers, different geometries.
        Path mid = overlay("chain3-mid", "raw-base.raw", "raw", 3 * MiB, "compat=0.10,cluster_size=4096");
        Qemu.io(mid, write(0xa1, 4096, 8192), write(0xa2, MiB - 4096, 8192));
        Path chain3 = overlay("backing-chain3", "chain3-mid.qcow2", "qcow2", 3 * MiB, "extended_l2=on");
        Qemu.io(chain3, write(0xa3, 6144, 2048), "write -z " + MiB + " 4096");
        add("backing-chain3", chain3);

        // A backing file smaller than its overlay: beyond its end the overlay reads zeros.
        Path small = create("short-base", MiB, "");
        Qemu.io(small, write(0xb1, 0, MiB));
        Path longer = overlay("backing-shorter", "short-base.qcow2", "qcow2", 4 * MiB, "");
        Qemu.io(longer, write(0xb2, MiB - 512, 1024));
        add("backing-shorter", longer);
    }

    private void buildOddSizes() {
        Path million = create("odd-size-1000000", 1_000_000, "cluster_size=4096");
        long size = Qemu.info(million).get("virtual-size").asLong(); // qemu-img rounds up to 512 bytes
        Qemu.io(million, write(0xc1, 0, 5000), write(0xc2, size - 512, 512), write(0xc3, size - 4096 - 10, 20));
        add("odd-size-1000000", million);

        long odd = 3 * MiB + 512;
        Path p = create("odd-size-3M+512", odd, "compat=0.10");
        Qemu.io(p, write(0xc4, odd - 512, 512), write(0xc5, 3 * MiB - 100, 100), write(0xc6, 0, 512));
        add("odd-size-3M+512", p);
    }

    private void buildHuge() {
        long size = 64 * GiB;
        Path p = create("huge-64G", size, "");
        Qemu.io(p, write(0xd1, 0, 4096), write(0xd2, size / 2 + 12345, 4096), write(0xd3, size - MiB, 256 * KiB),
                write(0xd4, size - 512, 512));
        images.put("huge-64G", new Image("huge-64G", p, true));
    }

    private void buildExt4() throws IOException {
        Path tree = dir.resolve("ext4-tree");
        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("etc/hostname"), "qcowdesk-corpus\n");
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            log.append("line ").append(i).append(" of a file big enough to span many clusters\n");
        }
        Files.writeString(tree.resolve("big.log"), log.toString(), StandardCharsets.UTF_8);
        Path raw = dir.resolve("ext4.raw");
        Peers.run(Duration.ofMinutes(2), List.of("mke2fs", "-q", "-F", "-t", "ext4", "-d", tree.toString(), raw.toString(), "16M")).assertOk();
        Path p = dir.resolve("ext4.qcow2");
        Qemu.img("convert", "-O", "qcow2", "-o", "cluster_size=4096", raw.toString(), p.toString());
        add("ext4", p);
    }

    private void buildDataFile() {
        Path data = dir.resolve("external.data");
        Path p = dir.resolve("external-data-file.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", "-o", "data_file=" + data, p.toString(),
                String.valueOf(4 * MiB));
        Qemu.io(p, patterns(4 * MiB, 64 * KiB));
        add("external-data-file", p);
    }

    /** Writes at the first cluster, unaligned inside and across cluster boundaries, mid-disk, and the last sector. */
    static String[] patterns(long size, long cluster) {
        return new String[]{
                write(0x11, 0, cluster),
                write(0x22, cluster + 100, 1000),
                write(0x33, 5 * cluster - 700, 1400),
                write(0x44, size / 2 + 4096, Math.min(3 * cluster, 256 * KiB)),
                write(0x55, size - 512, 512),
                write(0x66, (size / 3) | 1, 7)};
    }

    static String write(int pattern, long offset, long length) {
        return "write -P 0x" + Integer.toHexString(pattern) + " " + offset + " " + length;
    }

    private Path create(String name, long size, String options) {
        Path p = dir.resolve(name + ".qcow2");
        List<String> args = new ArrayList<>(List.of("create", "-q", "-f", "qcow2"));
        if (!options.isEmpty()) {
            args.addAll(List.of("-o", options));
        }
        args.addAll(List.of(p.toString(), String.valueOf(size)));
        Qemu.img(args.toArray(String[]::new));
        return p;
    }

    private Path overlay(String name, String backing, String backingFormat, long size, String options) {
        Path p = dir.resolve(name + ".qcow2");
        List<String> args = new ArrayList<>(List.of("create", "-q", "-f", "qcow2", "-b", backing, "-F", backingFormat));
        if (!options.isEmpty()) {
            args.addAll(List.of("-o", options));
        }
        args.addAll(List.of(p.toString(), String.valueOf(size)));
        Qemu.img(args.toArray(String[]::new));
        return p;
    }

    private void add(String name, Path path) {
        images.put(name, new Image(name, path, false));
    }

    private static String compat(int version) {
        return version == 2 ? "0.10" : "1.1";
    }

    static String sizeName(long bytes) {
        if (bytes >= MiB) {
            return bytes / MiB + "M";
        }
        return bytes >= KiB ? bytes / KiB + "k" : String.valueOf(bytes);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit: a left-over temp directory is harmless
        }
    }
}
