package qcowdesk.app.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import qcowdesk.app.background.Work;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.tools.CheckReport;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ImageChecker;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.qcow2.tools.Qcow2Creator;
import qcowdesk.engine.qcow2.tools.RepairMode;
import qcowdesk.engine.qcow2.tools.RepairReport;
import qcowdesk.engine.qcow2.ops.RepairOnCopy;

import java.io.IOException;
import java.nio.file.Path;

/** The image tools of the QcowDesk engine: info, create, check/repair and read-only opens. */
public final class EngineImageTools implements ImageTools {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public ImageFacts inspect(Path image) throws IOException {
        // ImageInfo serialises to qemu-img info's JSON; the facts are read from that shape
        return ImageFacts.fromInfoJson(image, json.valueToTree(ImageInfo.of(image)));
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
    public CheckOutcome check(Path image, boolean repairLeaks, Work.Progress progress) throws IOException {
        ProgressListener listener = (phase, done, total) -> {
            progress.message(phase);
            progress.update(done, total);
        };
        if (!repairLeaks) {
            return outcome(ImageChecker.check(image, listener), 0);
        }
        // never on the only copy: the repair runs on a copy that replaces the image only once it checks clean
        RepairReport repaired = RepairOnCopy.run(image, RepairMode.LEAKS, listener);
        return outcome(repaired.after(), repaired.leaksFixed());
    }

    @Override
    public VirtualDisk openReadOnly(Path image) throws IOException {
        // read-only opens share the file with a writer (like qemu-img -U), so an image attached elsewhere can be shown
        return Qcow2Image.open(image, OpenOptions.readOnly());
    }

    private static CheckOutcome outcome(CheckReport report, long leaksFixed) {
        return new CheckOutcome(report.corruptions(), report.leaks(), report.checkErrors(), leaksFixed,
                report.imageEndOffset());
    }
}
