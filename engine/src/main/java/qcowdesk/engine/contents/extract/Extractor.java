package qcowdesk.engine.contents.extract;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.fs.Extent;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.FileType;
import qcowdesk.engine.contents.fs.Listing;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/**
 * Copies files out of a filesystem to the host: directories recursively, symlinks as symlinks (never followed),
 * hard links as hard links, sparse files with their holes, permission bits and times kept, owners kept when run
 * as root. Only the data runs of a file are read, so a 6 GiB sparse file costs its few data blocks. A broken entry
 * is a problem in the result; the rest goes on. An interrupt cancels.
 */
public final class Extractor {

    private static final int CHUNK = 1 << 20;
    private static final int MAX_PROBLEMS = 1000;
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final FileSystemReader fs;
    private final ProgressListener progress;
    private final Map<Long, Path> linked = new HashMap<>();
    private final Set<Long> directoriesSeen = new HashSet<>();
    private final List<String> problems = new ArrayList<>();
    private long files;
    private long directories;
    private long symlinks;
    private long hardLinks;
    private long bytes;

    public Extractor(FileSystemReader fs, ProgressListener progress) {
        this.fs = fs;
        this.progress = progress;
    }

    /**
     * A directory's contents land in {@code dest} (created if missing); anything else lands at {@code dest}, or
     * inside it when it is an existing directory.
     */
    public ExtractResult extract(FileNode source, Path dest) throws IOException {
        if (source.isDirectory()) {
            Files.createDirectories(dest);
            directoriesSeen.add(source.id());
            extractChildren(source, dest);
            applyAttributes(source, dest);
        } else {
            Path target = Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS) ? dest.resolve(source.name()) : dest;
            extractEntry(source, target);
        }
        return new ExtractResult(files, directories, symlinks, hardLinks, bytes, List.copyOf(problems));
    }

    private void extractChildren(FileNode dir, Path dest) throws IOException {
        Listing listing;
        try {
            listing = fs.list(dir);
        } catch (ContentsException broken) {
            problem(dir.path(), broken.getMessage());
            return;
        }
        for (Listing.EntryError e : listing.errors()) {
            problem(dir.childPath(e.name()), e.message());
        }
        for (FileNode child : listing.entries()) {
            extractEntry(child, dest.resolve(child.name()));
        }
    }

    private void extractEntry(FileNode node, Path target) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("extraction cancelled");
        }
        try {
            switch (node.type()) {
                case DIRECTORY -> {
                    if (!directoriesSeen.add(node.id())) {
                        problem(node.path(), "directory already extracted (a loop in the directory tree)");
                        return;
                    }
                    Files.createDirectory(target);
                    directories++;
                    extractChildren(node, target);
                    applyAttributes(node, target);
                }
                case SYMLINK -> {
                    Files.createSymbolicLink(target, Path.of(fs.readLink(node)));
                    symlinks++;
                    applyAttributes(node, target);
                }
                case FILE -> extractFile(node, target);
                default -> problem(node.path(), "special files (" + node.type().name().toLowerCase()
                        + ") are not extracted");
            }
        } catch (ContentsException | FileAlreadyExistsException e) {
            problem(node.path(), e instanceof FileAlreadyExistsException ? target + " already exists"
                    : e.getMessage());
        }
    }

    private void extractFile(FileNode node, Path target) throws IOException {
        if (node.links() > 1) {
            Path first = linked.get(node.id());
            if (first != null) {
                Files.createLink(target, first);
                hardLinks++;
                return;
            }
            linked.put(node.id(), target);
        }
        List<Extent> extents = new ArrayList<>();
        fs.extents(node, extents::add);
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            if (extents.isEmpty()) {
                copy(node, 0, node.size(), out, buf);   // data kept in the inode (inline data)
            }
            for (Extent e : extents) {
                copy(node, e.fileOffset(), Math.min(node.size(), e.fileOffset() + e.length()), out, buf);
            }
            out.truncate(node.size());
        }
        if (Files.size(target) < node.size()) {
            setLength(target, node.size());   // a hole at the end: extended without writing, it stays a hole
        }
        files++;
        applyAttributes(node, target);
    }

    private static void setLength(Path target, long size) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(target.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    private void copy(FileNode node, long from, long to, FileChannel out, ByteBuffer buf) throws IOException {
        long at = from;
        while (at < to) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("extraction cancelled");
            }
            buf.clear().limit((int) Math.min(buf.capacity(), to - at));
            int n = fs.read(node, at, buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            if (!allZero(buf)) {   // zeros (holes, preallocated ranges) are left as holes in the copy
                while (buf.hasRemaining()) {
                    out.write(buf, at + buf.position());
                }
                bytes += n;
            }
            at += n;
            progress.onProgress("extracting " + node.path(), bytes, 0);
        }
    }

    private static boolean allZero(ByteBuffer buf) {
        for (int i = buf.position(); i < buf.limit(); i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private void applyAttributes(FileNode node, Path target) throws IOException {
        boolean link = node.type() == FileType.SYMLINK;
        if (ROOT) {
            Files.setAttribute(target, "unix:uid", (int) node.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(target, "unix:gid", (int) node.gid(), LinkOption.NOFOLLOW_LINKS);
        }
        if (!link) {
            // After the owner: a chown clears set-user-ID and set-group-ID. "unix:mode" keeps them and the
            // sticky bit, which PosixFilePermission cannot express.
            Files.setAttribute(target, "unix:mode", node.mode() & 07777);
        }
        Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(node.modified()), FileTime.from(node.accessed()), null);
    }

    private void problem(String path, String message) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(path + ": " + message);
        }
    }
}
