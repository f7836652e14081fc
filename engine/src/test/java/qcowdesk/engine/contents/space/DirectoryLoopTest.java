package qcowdesk.engine.contents.space;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.contents.Disks;
import qcowdesk.engine.contents.ext.ExtFileSystem;
import qcowdesk.engine.contents.extract.ExtractResult;
import qcowdesk.engine.contents.extract.Extractor;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A directory linked into its own subdirectory (debugfs ln): walks and extraction visit it once and say so. */
class DirectoryLoopTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryLoopIsVisitedOnceAndReported() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("file"), "inside\n");
        Path fs = Disks.sparse(dir.resolve("fs"), 8 << 20);
        Disks.sh(List.of("mke2fs"), "mke2fs -q -F -t ext4 -d " + dir.resolve("tree") + " " + fs);
        Peers.ok("debugfs", "-w", "-R", "ln /a /a/b/back-to-a", fs.toString());
        FileSystemReader reader = ExtFileSystem.open(Disks.rawFile(fs));

        TreeWalker walker = new TreeWalker();
        List<String> seen = new ArrayList<>();
        walker.walk(reader, reader.root(), node -> seen.add(node.path()));
        assertTrue(seen.contains("/a/b/back-to-a"), seen.toString());
        assertEquals(1, walker.problemCount(), walker.problems().toString());
        assertTrue(walker.problems().get(0).contains("/a/b/back-to-a: directory already visited"));

        ExtractResult r = new Extractor(reader, ProgressListener.NONE).extract(reader.root(), dir.resolve("out"));
        assertEquals("inside\n", Files.readString(dir.resolve("out/a/b/file")));
        assertEquals(1, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).contains("a loop in the directory tree"));
    }
}
