package qcowdesk.engine.contents.ext;

import java.nio.charset.StandardCharsets;
import java.util.List;

import qcowdesk.engine.contents.io.Le;
import qcowdesk.engine.contents.fs.Listing;

/**
 * Parses the linear directory entry format (also the leaves of hashed directories, whose index blocks look like
 * one empty entry). A malformed entry ends the parse of its block with an error; the other blocks go on.
 */
final class DirEntries {

    /** A name and the inode it points at. */
    record Entry(String name, long inode) {
    }

    private DirEntries() {
    }

    /**
     * Appends the entries of {@code buf[from, to)} to {@code out}; problems to {@code errors}.
     *
     * @param where names the block for error messages
     */
    static void parse(byte[] buf, int from, int to, boolean fileType, String where, List<Entry> out,
                      List<Listing.EntryError> errors, int maxEntries) {
        int at = from;
        while (at + 8 <= to) {
            long inode = Le.u32(buf, at);
            int recLen = Le.u16(buf, at + 4);
            if (recLen == 0 || recLen == 65535) {
                recLen = to - at; // 64 KiB blocks store their full length this way
            }
            int nameLen = fileType ? Le.u8(buf, at + 6) : Le.u16(buf, at + 6);
            if (recLen < 8 || recLen % 4 != 0 || at + recLen > to || 8 + nameLen > recLen) {
                errors.add(new Listing.EntryError("?", where + ": directory entry at byte " + (at - from)
                        + " has record length " + recLen + " and name length " + nameLen
                        + "; the rest of the block is skipped"));
                return;
            }
            if (inode != 0 && nameLen > 0) {
                String name = new String(buf, at + 8, nameLen, StandardCharsets.UTF_8);
                if (!name.equals(".") && !name.equals("..")) {
                    if (out.size() >= maxEntries) {
                        errors.add(new Listing.EntryError("?", "more than " + maxEntries
                                + " entries; the rest are not listed"));
                        return;
                    }
                    if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
                        errors.add(new Listing.EntryError(name, where + ": name contains '/' or NUL"));
                    } else {
                        out.add(new Entry(name, inode));
                    }
                }
            }
            at += recLen;
        }
    }
}
