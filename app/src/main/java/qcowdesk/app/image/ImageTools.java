package qcowdesk.app.image;

import qcowdesk.app.background.Work;
import qcowdesk.engine.VirtualDisk;

import java.io.IOException;
import java.nio.file.Path;

/** The image-level engine operations the app uses (inspect, create, check). Calls block: run them off the FX thread. */
public interface ImageTools {

    ImageFacts inspect(Path image) throws IOException;

    void create(NewImageSpec spec) throws IOException;

    /** Checks the image, or repairs its leaked clusters, reporting progress as it goes. */
    CheckOutcome check(Path image, boolean repairLeaks, Work.Progress progress) throws IOException;

    /** Opens an image read-only for inspection; the caller closes it. */
    VirtualDisk openReadOnly(Path image) throws IOException;
}
