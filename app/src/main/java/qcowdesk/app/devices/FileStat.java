package qcowdesk.app.devices;

import java.time.Instant;

/** fstat(2) of a device's open backing file. */
public record FileStat(long dev, long ino, int mode, long nlink, int uid, int gid, long size, long blocks,
                       int blksize, Instant atime, Instant mtime, Instant ctime) {

    /** The permission bits and file type as {@code ls -l} prints them, e.g. {@code -rw-r--r--}. */
    public String modeString() {
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
