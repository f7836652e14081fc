package qcowdesk.app.info;

import qcowdesk.app.devices.FileStat;
import qcowdesk.app.image.Fact;

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
                new Fact(category, "mode", String.format("%04o (%s)", stat.mode() & 07777, stat.modeString())),
                new Fact(category, "links", Long.toString(stat.nlink())),
                new Fact(category, "owner", "uid " + stat.uid() + ", gid " + stat.gid()),
                new Fact(category, "size", Long.toString(stat.size())),
                new Fact(category, "blocks", stat.blocks() + " (of 512 bytes), I/O block " + stat.blksize()),
                new Fact(category, "accessed", String.valueOf(stat.atime())),
                new Fact(category, "modified", String.valueOf(stat.mtime())),
                new Fact(category, "changed", String.valueOf(stat.ctime())));
    }
}
