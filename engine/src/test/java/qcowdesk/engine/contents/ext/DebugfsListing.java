package qcowdesk.engine.contents.ext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.Listing;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compares our listing of a directory with {@code debugfs -R "ls -l DIR"}: inode, mode, owner, size, name. */
final class DebugfsListing {

    private DebugfsListing() {
    }

    static void assertSame(Path fsImage, FileSystemReader fs, String dir) throws IOException {
        Peers.require("debugfs");
        String out = Peers.ok("debugfs", "-R", "ls -l " + dir, fsImage.toString()).stdout();
        Set<String> theirs = new TreeSet<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+", 9);
            if (f.length < 9 || !f[0].matches("\\d+")) {
                continue;
            }
            String name = unescape(f[8]);
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            // inode mode (links) uid gid size date time name; devices print "major, minor" for the size
            theirs.add(f[0] + " " + f[1] + " " + f[3] + " " + f[4] + " " + f[5] + " " + name);
        }
        FileNode node = fs.lookup(dir);
        Listing listing = fs.list(node);
        assertTrue(listing.errors().isEmpty(), listing.errors().toString());
        Set<String> ours = new TreeSet<>();
        for (FileNode n : listing.entries()) {
            ours.add(n.id() + " " + Integer.toOctalString(n.mode()) + " " + n.uid() + " " + n.gid() + " " + n.size()
                    + " " + n.name());
        }
        assertEquals(theirs, ours, "debugfs ls -l " + dir);
    }

    /** debugfs prints bytes outside ASCII as \\xNN; the name is UTF-8. */
    private static String unescape(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\x", i) && i + 4 <= s.length()) {
                out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.write(s.charAt(i));
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
