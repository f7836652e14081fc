package qcowdesk.engine.contents.fs;

/** What a directory entry is, with the letter {@code ls -l} shows for it. */
public enum FileType {
    FILE('-'), DIRECTORY('d'), SYMLINK('l'), CHAR_DEVICE('c'), BLOCK_DEVICE('b'), FIFO('p'), SOCKET('s'),
    UNKNOWN('?');

    private final char letter;

    FileType(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }

    /** From the S_IFMT bits of a POSIX mode. */
    public static FileType ofMode(int mode) {
        return switch (mode & 0xf000) {
            case 0x8000 -> FILE;
            case 0x4000 -> DIRECTORY;
            case 0xa000 -> SYMLINK;
            case 0x2000 -> CHAR_DEVICE;
            case 0x6000 -> BLOCK_DEVICE;
            case 0x1000 -> FIFO;
            case 0xc000 -> SOCKET;
            default -> UNKNOWN;
        };
    }
}
