package qcowdesk.bridge.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * The partitions the kernel knows on a whole-disk block device, from {@code /sys/block/DISK/DISKpN}. Kernels
 * built without partition-table parsers find none on their own; {@link #ensureScanned} then has util-linux read
 * the table and tell the kernel ({@code partx -a}, the BLKPG ioctl), which works on every kernel.
 */
final class Partitions {

    private static final Path SYS_BLOCK = Path.of("/sys/block");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Partitions() {
    }

    /** The partition numbers of {@code disk} (e.g. {@code /dev/loop3}), in order. */
    static List<Integer> of(String disk) {
        String name = Path.of(disk).getFileName().toString();
        Pattern partition = Pattern.compile(Pattern.quote(name) + "p?(\\d+)");
        List<Integer> numbers = new ArrayList<>();
        try (Stream<Path> entries = Files.list(SYS_BLOCK.resolve(name))) {
            entries.forEach(entry -> {
                Matcher m = partition.matcher(entry.getFileName().toString());
                if (m.matches()) {
                    numbers.add(Integer.parseInt(m.group(1)));
                }
            });
        } catch (IOException e) {
            return numbers;
        }
        numbers.sort(null);
        return numbers;
    }

    /**
     * Makes the kernel know the disk's partitions; returns whether it had to add them itself (then they are
     * removed again, {@code partx -d}, before the disk goes).
     */
    static boolean ensureScanned(String disk) throws EngineException {
        if (!of(disk).isEmpty()) {
            return false;
        }
        Tool.Result table = Tool.run("partx", "-g", "-o", "NR", disk);
        if (!table.ok() || table.stdout().isBlank()) {
            return false; // no partition table: the whole disk is the filesystem
        }
        Tool.check("cannot add the partitions of " + disk, "partx", "-a", disk);
        return true;
    }

    /** The block device of partition {@code number} of {@code disk}, waiting for its device node to appear. */
    static String device(String disk, int number) throws EngineException {
        String name = Path.of(disk).getFileName().toString();
        String partition = disk + (Character.isDigit(name.charAt(name.length() - 1)) ? "p" : "") + number;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(Path.of(partition))) {
            if (System.nanoTime() > deadline) {
                throw new EngineException(ErrorCode.IO, "the device node " + partition + " did not appear");
            }
            sleep();
        }
        return partition;
    }

    /**
     * The partition to mount: {@code wanted}, or for {@link MountRequest#ONLY_PARTITION} the only one (the whole
     * disk without a table). Several partitions and no choice is an error that lists them.
     */
    static int choose(String unit, List<Integer> partitions, int wanted) throws EngineException {
        if (wanted == MountRequest.ONLY_PARTITION) {
            if (partitions.size() > 1) {
                throw new EngineException(ErrorCode.INVALID_ARGUMENT, unit + " has " + partitions.size()
                        + " partitions " + partitions + ": say which one to mount");
            }
            return partitions.isEmpty() ? 0 : partitions.get(0);
        }
        if (wanted != 0 && !partitions.contains(wanted)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, unit + " has no partition " + wanted
                    + (partitions.isEmpty() ? " (it has no partition table; mount the whole disk)"
                    : " (its partitions: " + partitions + ")"));
        }
        return wanted;
    }

    static void sleep() throws EngineException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.IO, "interrupted", e);
        }
    }
}
