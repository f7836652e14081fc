package qcowdesk.engine.contents.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks a filesystem as our reader sees it and the source tree it was made from, side by side: the same names,
 * types, sizes, bytes and link targets; optionally modes, owners, times and hard links.
 */
public final class TreeComparison {

    /** What besides names, types, sizes and contents is compared. */
    public record Checks(boolean modes, boolean owners, boolean mtimeSeconds, boolean hardLinks) {
        public static final Checks ALL = new Checks(true, true, true, true);
        public static final Checks FAT = new Checks(false, false, false, false);
    }

    private final FileSystemReader fs;
    private final Checks checks;
    private final Set<String> skip;
    private final Map<Long, Object> inodeOfId = new HashMap<>();
    private int files;

    public TreeComparison(FileSystemReader fs, Checks checks, Set<String> skip) {
        this.fs = fs;
        this.checks = checks;
        this.skip = skip;
    }

    /** Compares everything below {@code source} with our root; returns the number of entries compared. */
    public int compare(Path source) throws IOException {
        compareDirectory(fs.root(), source);
        return files;
    }

    private void compareDirectory(FileNode dir, Path source) throws IOException {
        Listing listing = fs.list(dir);
        assertTrue(listing.errors().isEmpty(), dir.path() + ": " + listing.errors());
        Map<String, FileNode> ours = listing.entries().stream()
                .filter(e -> !skip.contains(e.path()))
                .collect(Collectors.toMap(FileNode::name, e -> e));
        Set<String> theirs;
        try (Stream<Path> s = Files.list(source)) {
            theirs = s.map(p -> p.getFileName().toString()).filter(n -> !skip.contains(dir.childPath(n)))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(theirs, new TreeSet<>(ours.keySet()), dir.path());
        for (String name : theirs) {
            compareEntry(ours.get(name), source.resolve(name));
        }
    }

    private void compareEntry(FileNode node, Path source) throws IOException {
        files++;
        String what = node.path();
        Map<String, Object> attrs = Files.readAttributes(source, "unix:*", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) attrs.get("mode");
        assertEquals(FileType.ofMode(mode), node.type(), what);
        if (checks.modes()) {
            assertEquals(Integer.toOctalString(mode), Integer.toOctalString(node.mode()), what);
        }
        if (checks.owners()) {
            assertEquals(((Integer) attrs.get("uid")).longValue(), node.uid(), what);
            assertEquals(((Integer) attrs.get("gid")).longValue(), node.gid(), what);
        }
        if (checks.mtimeSeconds()) {
            assertEquals(((FileTime) attrs.get("lastModifiedTime")).toInstant().getEpochSecond(),
                    node.modified().getEpochSecond(), what);
        }
        if (checks.hardLinks()) {
            assertEquals(((Integer) attrs.get("nlink")).intValue(), node.links(), what);
            Object inode = attrs.get("ino");
            Object before = inodeOfId.putIfAbsent(node.id(), inode);
            assertEquals(before == null ? inode : before, inode, what + ": hard links must share our id");
        }
        switch (node.type()) {
            case DIRECTORY -> compareDirectory(node, source);
            case SYMLINK -> assertEquals(Files.readSymbolicLink(source).toString(), fs.readLink(node), what);
            case FILE -> {
                assertEquals(Files.size(source), node.size(), what);
                assertArrayEquals(sha256(source), sha256(node), what);
            }
            default -> { }
        }
    }

    /** SHA-256 of our reading of a file, 1 MiB at a time. */
    public byte[] sha256(FileNode node) throws IOException {
        MessageDigest md = digest();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long offset = 0;
        while (true) {
            buf.clear();
            int n = fs.read(node, offset, buf);
            if (n < 0) {
                break;
            }
            buf.flip();
            md.update(buf);
            offset += n;
        }
        assertEquals(node.size(), offset, node.path());
        return md.digest();
    }

    public static byte[] sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The names of {@code dir}'s entries as our reader lists them. */
    public static Set<String> names(FileSystemReader fs, FileNode dir) throws IOException {
        Set<String> out = new HashSet<>();
        for (FileNode n : fs.list(dir).entries()) {
            out.add(n.name());
        }
        return out;
    }
}
