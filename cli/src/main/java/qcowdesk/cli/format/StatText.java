package qcowdesk.cli.format;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import qcowdesk.engine.device.FileStat;

/** {@code stat(1)}'s default output (GNU coreutils 9) for the fstat of a device's open file. */
public final class StatText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.nnnnnnnnn Z");

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private final AccountNames accounts;
    private final ZoneId zone;

    public StatText(AccountNames accounts, ZoneId zone) {
        this.accounts = accounts;
        this.zone = zone;
    }

    /** @param name the file name to show on the {@code File:} line (the name given at attach) */
    public String render(String name, FileStat st) {
        StringBuilder out = new StringBuilder();
        // printed as given, as stat(1) does when its output is not a terminal (it quotes only for terminals)
        out.append("  File: ").append(name).append('\n');
        out.append(String.format("  Size: %-10d\tBlocks: %-10d IO Block: %-6d %s%n",
                st.size(), st.blocks(), st.blksize(), fileType(st.mode(), st.size())));
        String device = major(st.dev()) + "," + minor(st.dev());
        if (isDeviceFile(st.mode())) {
            out.append(String.format("Device: %s\tInode: %-11d Links: %-5d Device type: %d,%d%n", device, st.ino(),
                    st.nlink(), major(st.rdev()), minor(st.rdev())));
        } else {
            out.append(String.format("Device: %s\tInode: %-11d Links: %d%n", device, st.ino(), st.nlink()));
        }
        out.append(String.format("Access: (%04o/%10.10s)  Uid: (%5d/%8s)   Gid: (%5d/%8s)%n",
                st.mode() & 07777, permissions(st.mode()), st.uid(), accounts.user(st.uid()),
                st.gid(), accounts.group(st.gid())));
        out.append("Access: ").append(time(st.atime())).append('\n');
        out.append("Modify: ").append(time(st.mtime())).append('\n');
        out.append("Change: ").append(time(st.ctime())).append('\n');
        // fstat(2) has no birth time; stat(1) prints "-" when the file system does not report one either
        out.append(" Birth: -\n");
        return out.toString();
    }

    private String time(FileStat.Timespec t) {
        return TIME.format(Instant.ofEpochSecond(t.seconds(), t.nanos()).atZone(zone));
    }

    /** glibc's gnu_dev_major/minor for a 64-bit dev_t. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }

    private static boolean isDeviceFile(int mode) {
        int type = mode & S_IFMT;
        return type == S_IFBLK || type == S_IFCHR;
    }

    private static String fileType(int mode, long size) {
        return switch (mode & S_IFMT) {
            case S_IFREG -> size == 0 ? "regular empty file" : "regular file";
            case S_IFDIR -> "directory";
            case S_IFLNK -> "symbolic link";
            case S_IFBLK -> "block special file";
            case S_IFCHR -> "character special file";
            case S_IFIFO -> "fifo";
            case S_IFSOCK -> "socket";
            default -> "weird file";
        };
    }

    /** ls-style mode string, e.g. {@code -rw-r--r--}, with setuid, setgid and sticky letters. */
    static String permissions(int mode) {
        char[] s = new char[10];
        s[0] = switch (mode & S_IFMT) {
            case S_IFDIR -> 'd';
            case S_IFLNK -> 'l';
            case S_IFBLK -> 'b';
            case S_IFCHR -> 'c';
            case S_IFIFO -> 'p';
            case S_IFSOCK -> 's';
            default -> '-';
        };
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s[i + 1] = (mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-';
        }
        s[3] = special(s[3], (mode & 04000) != 0, 's');
        s[6] = special(s[6], (mode & 02000) != 0, 's');
        s[9] = special(s[9], (mode & 01000) != 0, 't');
        return new String(s);
    }

    private static char special(char execute, boolean set, char letter) {
        if (!set) {
            return execute;
        }
        return execute == '-' ? Character.toUpperCase(letter) : letter;
    }
}
