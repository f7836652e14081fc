package qcowdesk.engine.qcow2.tools;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.testing.QemuMap;

/** Every corpus image reads through Qcow2Image byte for byte like {@code qemu-img convert -O raw}. */
class ReadCorpusTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource(Corpus.ALL)
    void readsLikeQemuImgConvert(Corpus.Image image) throws Exception {
        Corpus corpus = Corpus.shared();
        try (Qcow2Image disk = Qcow2Image.open(image.path(), OpenOptions.readOnly())) {
            if (image.huge()) {
                ReadComparison.assertGuidedBy(QemuMap.of(image.path()), disk, corpus.raw(image));
            } else {
                ReadComparison.assertWhole(disk, corpus.raw(image));
            }
        }
    }
}
