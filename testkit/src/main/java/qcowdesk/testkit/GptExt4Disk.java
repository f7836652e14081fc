package qcowdesk.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A QCOW2 image of a GPT disk whose one Linux partition (at 1 MiB, 24 MiB long) holds an ext4 filesystem made by
 * {@code mkfs.ext4 -d} from a tree with {@code hello.txt} ("hello\n"); the table is laid out in sectors of the
 * size given, as a device attached with that sector size sees it. Needs root (a loop device writes the table).
 */
public final class GptExt4Disk {

    private GptExt4Disk() {
    }

    public static Path create(Path dir, String name, int sectorSize) {
        try {
            Path work = Files.createDirectories(dir.resolve(name + ".parts"));
            Path tree = Files.createDirectories(work.resolve("tree"));
            Files.writeString(tree.resolve("hello.txt"), "hello\n");
            Path fs = work.resolve("fs.ext4");
            Peers.ok("mkfs.ext4", "-q", "-b", "4096", "-d", tree.toString(), fs.toString(), "24M");
            Path raw = work.resolve("disk.raw");
            Peers.ok("truncate", "-s", "32M", raw.toString());
            Path script = work.resolve("table");
            Files.writeString(script, "label: gpt\nsector-size: " + sectorSize + "\nstart=" + (1024 * 1024 / sectorSize)
                    + ", size=" + (24L * 1024 * 1024 / sectorSize) + ", type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n");
            // sfdisk lays a table out in the sectors of the device it writes to: a file is 512, so go through a
            // loop device of the wanted sector size
            String loop = Peers.ok("losetup", "-f", "--show", "--sector-size", Integer.toString(sectorSize),
                    raw.toString()).stdout().strip();
            try {
                Peers.ok("sh", "-c", "sfdisk -q '" + loop + "' < '" + script + "'");
            } finally {
                Peers.ok("losetup", "-d", loop);
            }
            Peers.ok("dd", "if=" + fs, "of=" + raw, "bs=1M", "seek=1", "conv=notrunc,fsync", "status=none");
            Path image = dir.resolve(name);
            Peers.ok("qemu-img", "convert", "-O", "qcow2", raw.toString(), image.toString());
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
