package qcowdesk.engine.qcow2.tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.testkit.Qemu;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageInfoTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource(Corpus.ALL)
    void equalsQemuImgInfoFieldByField(Corpus.Image image) throws Exception {
        JsonNode ours = Qemu.JSON.valueToTree(ImageInfo.of(image.path()));
        assertEquals(flatten(Qemu.info(image.path())), flatten(ours));
    }

    @Test
    void backingNamesResolveAgainstTheImageNameAsGiven() throws Exception {
        Corpus.Image chain = Corpus.shared().get("backing-qcow2");
        ImageInfo info = ImageInfo.of(chain.path());
        assertEquals("chain-base.qcow2", info.backingFilename());
        assertEquals("qcow2", info.backingFilenameFormat());
        assertEquals(chain.path().resolveSibling("chain-base.qcow2").toString(), info.fullBackingFilename());
        assertEquals("dir/base", ImageInfo.resolveAgainst("dir/top", "base"));
        assertEquals("base", ImageInfo.resolveAgainst("top", "base"));
        assertEquals("/abs/base", ImageInfo.resolveAgainst("dir/top", "/abs/base"));
    }

    @Test
    void dirtyAndCorruptBitsAreReported() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-lazy-refcounts"), dir);
        ImagePatcher.writeLong(image, 72, 0b11);
        ImageInfo info = ImageInfo.of(image);
        assertTrue(info.dirtyFlag());
        assertTrue(info.formatSpecific().data().corrupt());
        assertEquals(flatten(Qemu.info(image)), flatten(Qemu.JSON.valueToTree(info)));
    }

    @Test
    void snapshotsAndBitmapsAreListedLikeQemuListsThem() throws Exception {
        Path image = dir.resolve("snap.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", image.toString(), "4M");
        Qemu.io(image, "write -P 1 0 64k");
        Qemu.img("bitmap", "--add", image.toString(), "b0");
        Qemu.img("bitmap", "--add", "-g", "128k", image.toString(), "b1");
        Qemu.img("bitmap", "--disable", image.toString(), "b1");
        Qemu.img("snapshot", "-c", "first", image.toString());
        Qemu.io(image, "write -P 2 0 64k");
        Qemu.img("snapshot", "-c", "second", image.toString());
        ImageInfo info = ImageInfo.of(image);
        assertEquals(2, info.snapshots().size());
        assertEquals(List.of("auto"), info.formatSpecific().data().bitmaps().get(0).flags());
        assertEquals(flatten(Qemu.info(image)), flatten(Qemu.JSON.valueToTree(info)));
    }

    @Test
    void missingFileIsNamed() {
        EngineException e = assertThrows(EngineException.class, () -> ImageInfo.of(dir.resolve("nope.qcow2")));
        // one rule for every open (OpenErrors): a missing file is the operating system's ENOENT, as for attach
        assertEquals(ErrorCode.IO, e.code());
        assertTrue(e.getMessage().contains("nope.qcow2"), e.getMessage());
    }

    /** "a.b.c" paths to value text, so that numbers compare by value and nesting by path. */
    static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix + e.getKey() + ".", e.getValue(), out));
        } else if (node.isArray()) {
            out.put(prefix + "length", String.valueOf(node.size()));
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + i + ".", node.get(i), out);
            }
        } else {
            out.put(prefix.substring(0, prefix.length() - 1), node.asText());
        }
    }
}
