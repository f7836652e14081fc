package qcowdesk.app.info;

import qcowdesk.app.image.Fact;
import qcowdesk.engine.device.FileStat;

import java.util.List;

/** The stat of a device's open backing file as info-sheet rows. */
final class StatFacts {

    private StatFacts() {
    }

    static List<Fact> of(String unit, FileStat stat) {
        String category = "Open file (" + unit + ")";
        return List.of(
                new Fact(category, "device", Long.toString(stat.dev())),
                new Fact(category, "inode", Long.toString(stat.ino())),
                new Fact(category, "mode", String.format("%04o (%s)", stat.mode() & 07777, modeString(stat.mode()))),
                new Fact(category, "links", Long.toString(stat.nlink())),
                new Fact(category, "owner", "uid " + stat.uid() + ", gid " + stat.gid()),
                new Fact(category, "size", Long.toString(stat.size())),
                new Fact(category, "blocks", stat.blocks() + " (of 512 bytes), I/O block " + stat.blksize()),
                new Fact(category, "accessed", stat.atime().toInstant().toString()),
                new Fact(category, "modified", stat.mtime().toInstant().toString()),
                new Fact(category, "changed", stat.ctime().toInstant().toString()));
    }

    /** The file type and permission bits as {@code ls -l} prints them, e.g. {@code -rw-r--r--}. */
    static String modeString(int mode) {
        String type = switch (mode & 0170000) {
            case 0040000 -> "d";
            case 0120000 -> "l";
            default -> "-";
        };
        StringBuilder text = new StringBuilder(type);
        String letters = "rwxrwxrwx";
        for (int bit = 0; bit < 9; bit++) {
            text.append((mode & (1 << (8 - bit))) != 0 ? letters.charAt(bit) : '-');
        }
        return text.toString();
    }
}
