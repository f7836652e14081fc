package qcowdesk.engine.contents.fs;


/** A mode as ls -l prints it: "drwxr-xr-x", with s/S and t/T for setuid, setgid and sticky. */
public final class ModeText {

    private ModeText() {
    }

    public static String of(FileType type, int mode) {
        StringBuilder s = new StringBuilder(10).append(type.letter());
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        special(s, 3, (mode & 04000) != 0, 's');
        special(s, 6, (mode & 02000) != 0, 's');
        special(s, 9, (mode & 01000) != 0, 't');
        return s.toString();
    }

    private static void special(StringBuilder s, int at, boolean set, char letter) {
        if (set) {
            s.setCharAt(at, s.charAt(at) == 'x' ? letter : Character.toUpperCase(letter));
        }
    }
}
