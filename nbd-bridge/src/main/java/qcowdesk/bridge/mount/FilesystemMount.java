package qcowdesk.bridge.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * The last step every root route shares: find out what filesystem the block device holds, check that the
 * kernel can mount it, mount it (read-only as asked; ext3/ext4 also with {@code noload}, so that a journal is
 * not replayed into a read-only image), and unmount it again after a sync.
 */
final class FilesystemMount {

    private static final Path PROC_FILESYSTEMS = Path.of("/proc/filesystems");

    private FilesystemMount() {
    }

    /** Checks that {@code dir} can take a mount: an existing directory nothing is mounted on. */
    static Path checkMountPoint(Path dir) throws EngineException {
        Path normal = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(normal)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "mount point " + normal
                    + (Files.exists(normal) ? " is not a directory" : " does not exist"));
        }
        Optional<MountInfo.Entry> there = MountInfo.mountedOn(normal);
        if (there.isPresent()) {
            throw new EngineException(ErrorCode.IN_USE, "mount point " + normal + " is in use: "
                    + there.get().source() + " (" + there.get().fsType() + ") is mounted there");
        }
        return normal;
    }

    /** The filesystem type on {@code device} as libblkid sees it, or a specific failure when it sees none. */
    static String probe(String device) throws EngineException {
        Tool.Result blkid = Tool.run("blkid", "-p", "-o", "value", "-s", "TYPE", device);
        String type = blkid.stdout().strip();
        if (type.isEmpty()) {
            Tool.Result usage = Tool.run("blkid", "-p", "-o", "value", "-s", "PTTYPE", device);
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "no filesystem on " + device
                    + (usage.stdout().isBlank() ? "" : " (it holds a " + usage.stdout().strip()
                    + " partition table: mount one of its partitions)"));
        }
        if (!kernelKnows(type)) {
            throw new EngineException(ErrorCode.UNSUPPORTED, device + " holds " + type + ", which this kernel cannot "
                    + "mount (" + type + " is not in /proc/filesystems: load its module, e.g. modprobe " + type + ")");
        }
        return type;
    }

    /** Whether the kernel has the filesystem built in or loaded, or has a module for it that mount will load. */
    private static boolean kernelKnows(String type) throws EngineException {
        try {
            for (String line : Files.readAllLines(PROC_FILESYSTEMS)) {
                String[] fields = line.strip().split("\\s+");
                if (fields[fields.length - 1].equals(type)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return true; // cannot tell: let mount decide
        }
        return Tool.find("modinfo").isPresent() && Tool.run("modinfo", "-n", type).ok();
    }

    /** Mounts {@code device} on {@code dir} and records the undo (sync, then umount). */
    static void mount(String device, String type, Path dir, boolean readOnly, String options, SetUp setUp)
            throws EngineException {
        String all = options(type, readOnly, options);
        List<String> command = new ArrayList<>(List.of("mount", "-t", type));
        if (!all.isEmpty()) {
            command.addAll(List.of("-o", all));
        }
        command.addAll(List.of(device, dir.toString()));
        Tool.Result result = Tool.run(Tool.DEFAULT_TIMEOUT, command);
        if (!result.ok()) {
            throw new EngineException(ErrorCode.IO, "the kernel cannot mount " + type + " from " + device + " on "
                    + dir + ": " + result.complaint());
        }
        setUp.done("the mount on " + dir, lazy -> unmount(dir, lazy, setUp));
    }

    /** The options mount gets: read-only ones first, then the user's. */
    static String options(String type, boolean readOnly, String options) {
        List<String> all = new ArrayList<>();
        if (readOnly) {
            all.add("ro");
            if (type.equals("ext3") || type.equals("ext4")) {
                all.add("noload");
            }
        }
        if (!options.isBlank()) {
            all.add(options.strip());
        }
        return String.join(",", all);
    }

    /** Syncs and unmounts {@code dir}; lazily when asked and a plain unmount is refused (busy). */
    static void unmount(Path dir, boolean lazy, SetUp setUp) throws EngineException {
        Tool.run("sync", "-f", dir.toString());
        Tool.Result result = Tool.run("umount", dir.toString());
        if (result.ok() || MountInfo.mountedOn(dir).isEmpty()) {
            return;
        }
        if (!lazy) {
            throw new EngineException(ErrorCode.BUSY, "cannot unmount " + dir + ": " + result.complaint()
                    + users(dir));
        }
        Tool.check("cannot unmount " + dir + " even lazily", "umount", "-l", dir.toString());
        setUp.note(dir + " was in use" + users(dir) + ": unmounted lazily (it goes when its last user lets go; "
                + "its device is disconnected now)");
    }

    /** Who uses a mount point, as fuser names them; empty when nobody (or fuser is missing). */
    static String users(Path dir) {
        if (Tool.find("fuser").isEmpty()) {
            return "";
        }
        try {
            Tool.Result result = Tool.run("fuser", "-vm", dir.toString());
            String text = result.stderr().strip();
            return text.isEmpty() ? "" : " (in use by: " + text.replaceAll("\\s+", " ") + ")";
        } catch (EngineException e) {
            return "";
        }
    }
}
