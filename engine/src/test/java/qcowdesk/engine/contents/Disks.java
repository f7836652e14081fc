package qcowdesk.engine.contents;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Peers;

/** Builds test disks with the real tools: sparse raw files, sfdisk scripts, qemu-img conversions. */
public final class Disks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Disks() {
    }

    /** A sparse file of {@code size} bytes. */
    public static Path sparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }

    /** Runs a shell command line (pipes, here-documents) after checking that {@code tools} are installed. */
    public static Peers.Result sh(List<String> tools, String script) {
        tools.forEach(Peers::require);
        return Peers.ok("bash", "-euc", script);
    }

    /** Feeds an sfdisk script to {@code sfdisk --no-reread --no-tell-kernel -q TARGET}. */
    public static void sfdisk(String target, String script) {
        sh(List.of("sfdisk"), "sfdisk --no-reread --no-tell-kernel -q --wipe always " + target + " <<'END'\n"
                + script + "\nEND\n");
    }

    /** {@code sfdisk --json TARGET} parsed. */
    public static JsonNode sfdiskJson(String target) throws IOException {
        return JSON.readTree(Peers.ok("sfdisk", "--json", target).stdout()).get("partitiontable");
    }

    /** Converts a raw file to qcow2 (options such as "-c" passed through). */
    public static Path toQcow2(Path raw, Path qcow2, String... options) {
        List<String> cmd = new java.util.ArrayList<>(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2"));
        cmd.addAll(List.of(options));
        cmd.add(raw.toString());
        cmd.add(qcow2.toString());
        Peers.ok(cmd.toArray(String[]::new));
        return qcow2;
    }

    public static Qcow2Image open(Path qcow2) throws IOException {
        return Qcow2Image.open(qcow2, OpenOptions.readOnly());
    }

    /** {@code blkid -p -o export [-O offset] FILE} as a map. */
    public static java.util.Map<String, String> blkid(Path file, long offset) {
        Peers.require("blkid");
        Peers.Result r = Peers.run("blkid", "-p", "-o", "export", "-O", Long.toString(offset), file.toString());
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String line : r.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("\\\\(.)", "$1"));
            }
        }
        return out;
    }

    /** The bytes of a raw file, read with positional reads (for comparing a raw file with the tools' view). */
    public static ByteSource rawFile(Path file) throws IOException {
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file);
        long size = ch.size();
        return new ByteSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void readRaw(long offset, java.nio.ByteBuffer dst) throws IOException {
                while (dst.hasRemaining()) {
                    int n = ch.read(dst, offset);
                    if (n < 0) {
                        while (dst.hasRemaining()) {
                            dst.put((byte) 0);
                        }
                        return;
                    }
                    offset += n;
                }
            }

            @Override
            public long diskOffset() {
                return 0;
            }
        };
    }

    /** Copies {@code volume} into {@code disk} at {@code offset}, keeping holes (dd conv=sparse,notrunc). */
    public static void place(Path volume, Path disk, long offset) {
        sh(List.of("dd"), "dd if=" + volume + " of=" + disk + " bs=64K seek=" + offset + " oflag=seek_bytes"
                + " conv=sparse,notrunc status=none");
    }
}
