package qcowdesk.app.image;

import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.Qcow2Creator;

import java.io.IOException;
import java.nio.file.Path;

/** The image tools of the QcowDesk engine. */
public final class EngineImageTools implements ImageTools {

    private final QemuImgTools interim = new QemuImgTools();

    @Override
    public ImageFacts inspect(Path image) throws IOException {
        return interim.inspect(image);
    }

    @Override
    public void create(NewImageSpec spec) throws IOException {
        CreateOptions options = CreateOptions.of(spec.virtualSize())
                .withClusterSize(spec.clusterSize())
                .withVersion(spec.version());
        if (spec.backingFile() != null) {
            options = options.withBacking(spec.backingFile(), "qcow2");
        }
        Qcow2Creator.create(spec.path(), options);
    }

    @Override
    public CheckOutcome check(Path image, boolean repairLeaks) throws IOException {
        return interim.check(image, repairLeaks);
    }

    @Override
    public VirtualDisk openReadOnly(Path image) throws IOException {
        // read-only opens share the file with a writer (like qemu-img -U), so an image attached elsewhere can be shown
        return Qcow2Image.open(image, OpenOptions.readOnly());
    }
}
