package qcowdesk.app.library;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import qcowdesk.app.image.ImageFacts;

import java.nio.file.Path;

/** One image of the library as the list shows it. Properties change on the FX thread only. */
public final class ImageItem {

    private final Path path;
    private final ObjectProperty<ImageState> state = new SimpleObjectProperty<>(ImageState.LOADING);
    private final ObjectProperty<ImageFacts> facts = new SimpleObjectProperty<>();
    private final StringProperty problem = new SimpleStringProperty("");
    private final StringProperty attachedAs = new SimpleStringProperty("");
    private final StringProperty lostFile = new SimpleStringProperty("");
    private volatile FileId fileId;
    private boolean addedByOwner;

    public ImageItem(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public String name() {
        Path name = path.getFileName();
        return name == null ? path.toString() : name.toString();
    }

    public ReadOnlyObjectProperty<ImageState> stateProperty() {
        return state;
    }

    public ImageState state() {
        return state.get();
    }

    /** What the engine reported about the file; null until read, or when it could not be read. */
    public ReadOnlyObjectProperty<ImageFacts> factsProperty() {
        return facts;
    }

    public ImageFacts facts() {
        return facts.get();
    }

    /** Why the file could not be read; empty when it could. */
    public ReadOnlyStringProperty problemProperty() {
        return problem;
    }

    /** Units the image is attached as, e.g. "qcow0"; empty when not attached. */
    public ReadOnlyStringProperty attachedAsProperty() {
        return attachedAs;
    }

    public String attachedAs() {
        return attachedAs.get();
    }

    /** What happened to the attached file when its name was lost (deleted, renamed over); empty when it was not. */
    public ReadOnlyStringProperty lostFileProperty() {
        return lostFile;
    }

    void lostFile(String what) {
        lostFile.set(what);
    }

    public boolean attached() {
        return !attachedAs.get().isEmpty();
    }

    /** The file's identity when it was last read; null when it could not be read. */
    public FileId fileId() {
        return fileId;
    }

    /** True when the image came into the library because an attach from another front end (qcowctl) showed it. */
    public boolean isAddedByOwner() {
        return addedByOwner;
    }

    void addedByOwner() {
        addedByOwner = true;
    }

    void loading() {
        state.set(ImageState.LOADING);
    }

    void read(ImageFacts newFacts, FileId id) {
        fileId = id;
        facts.set(newFacts);
        problem.set("");
        state.set(ImageState.READY);
    }

    void failed(ImageState newState, String why) {
        facts.set(null);
        problem.set(why);
        state.set(newState);
    }

    void attachedAs(String units) {
        attachedAs.set(units);
    }

    @Override
    public String toString() {
        return name();
    }
}
