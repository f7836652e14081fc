package qcowdesk.bridge.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The mount table of this process's mount namespace, from {@code /proc/self/mountinfo}. */
public final class MountInfo {

    /** One line: what is mounted where. */
    public record Entry(Path mountPoint, String source, String fsType) {
    }

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountInfo() {
    }

    public static List<Entry> read() {
        List<Entry> entries = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(MOUNTINFO);
        } catch (IOException e) {
            return entries;
        }
        for (String line : lines) {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
            String[] fields = line.split(" ");
            int dash = List.of(fields).indexOf("-");
            if (fields.length < 5 || dash < 0 || dash + 2 >= fields.length) {
                continue;
            }
            entries.add(new Entry(Path.of(unescape(fields[4])), unescape(fields[dash + 2]), fields[dash + 1]));
        }
        return entries;
    }

    /** What is mounted on {@code dir} (the topmost mount), if anything. */
    public static Optional<Entry> mountedOn(Path dir) {
        Path normal = dir.toAbsolutePath().normalize();
        Entry found = null;
        for (Entry entry : read()) {
            if (entry.mountPoint().equals(normal)) {
                found = entry;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every mount point whose source is one of {@code devices}. */
    public static List<Entry> mountsOf(List<String> devices) {
        return read().stream().filter(entry -> devices.contains(entry.source())).toList();
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
