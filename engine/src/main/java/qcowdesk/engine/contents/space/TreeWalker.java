package qcowdesk.engine.contents.space;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.Listing;

/**
 * Visits every entry below a directory, depth first. A directory reached a second time (a loop made by a corrupt
 * directory entry) is not entered again; unreadable directories and entries are collected, not thrown. Stops when
 * the thread is interrupted.
 */
public final class TreeWalker {

    /** At most this many problems are kept; the count goes on. */
    public static final int MAX_PROBLEMS = 1000;

    /** Receives each entry below the start (not the start itself). */
    public interface Visitor {
        void visit(FileNode node) throws IOException;
    }

    private final List<String> problems = new ArrayList<>();
    private long problemCount;

    public void walk(FileSystemReader fs, FileNode start, Visitor visitor) throws IOException {
        Set<Long> seen = new HashSet<>();
        Deque<FileNode> pending = new ArrayDeque<>();
        seen.add(start.id());
        pending.push(start);
        while (!pending.isEmpty()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("cancelled");
            }
            FileNode dir = pending.pop();
            Listing listing;
            try {
                listing = fs.list(dir);
            } catch (ContentsException broken) {
                problem(dir.path() + ": " + broken.getMessage());
                continue;
            }
            for (Listing.EntryError e : listing.errors()) {
                problem(dir.childPath(e.name()) + ": " + e.message());
            }
            List<FileNode> subdirs = new ArrayList<>();
            for (FileNode n : listing.entries()) {
                visitor.visit(n);
                if (n.isDirectory()) {
                    if (seen.add(n.id())) {
                        subdirs.add(n);
                    } else {
                        problem(n.path() + ": directory already visited (a loop in the directory tree); skipped");
                    }
                }
            }
            for (int i = subdirs.size() - 1; i >= 0; i--) {
                pending.push(subdirs.get(i));
            }
        }
    }

    private void problem(String text) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        }
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public long problemCount() {
        return problemCount;
    }
}
