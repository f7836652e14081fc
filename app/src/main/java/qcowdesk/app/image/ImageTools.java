package qcowdesk.app.image;

import java.io.IOException;
import java.nio.file.Path;

/** The image-level engine operations the app uses (inspect, create, check). Calls block: run them off the FX thread. */
public interface ImageTools {

    ImageFacts inspect(Path image) throws IOException;

    void create(NewImageSpec spec) throws IOException;

    CheckOutcome check(Path image, boolean repairLeaks) throws IOException;
}
