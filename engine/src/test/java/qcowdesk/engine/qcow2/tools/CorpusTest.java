package qcowdesk.engine.qcow2.tools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The corpus itself is sound: qemu-img check finds every image clean (so failures elsewhere are ours). */
class CorpusTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource(Corpus.ALL)
    void qemuFindsImageClean(Corpus.Image image) {
        JsonNode check = Qemu.check(image.path());
        assertEquals(0, check.path("check-errors").asInt(), check.toString());
        assertEquals(0, check.path("leaks").asInt(), check.toString());
        assertEquals(0, check.path("corruptions").asInt(), check.toString());
    }
}
