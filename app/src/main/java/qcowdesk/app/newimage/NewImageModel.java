package qcowdesk.app.newimage;

import qcowdesk.app.background.Jobs;
import qcowdesk.app.image.ImageTools;
import qcowdesk.app.image.NewImageSpec;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.LibraryModel;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.nio.file.Files;
import java.util.function.Consumer;

/** Creating an image: refuse to overwrite, create it in the background, add it to the library. */
public final class NewImageModel {

    private final ImageTools tools;
    private final Jobs jobs;
    private final LibraryModel library;

    public NewImageModel(ImageTools tools, Jobs jobs, LibraryModel library) {
        this.tools = tools;
        this.jobs = jobs;
        this.library = library;
    }

    /** Creates a new image file and adds it to the library; callbacks run on the FX thread. */
    public void create(NewImageSpec spec, Consumer<ImageItem> onCreated, Consumer<Jobs.Failure> onFailure) {
        jobs.submit("Creating " + spec.path().getFileName(), progress -> {
            if (Files.exists(spec.path())) {
                throw new EngineException(ErrorCode.INVALID_ARGUMENT,
                        "The file " + spec.path() + " already exists; choose another name.");
            }
            tools.create(spec);
            return spec.path();
        }, path -> onCreated.accept(library.add(path)), onFailure);
    }
}
