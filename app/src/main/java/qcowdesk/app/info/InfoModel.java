package qcowdesk.app.info;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import qcowdesk.app.background.BackgroundTask;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.image.CheckOutcome;
import qcowdesk.app.image.Fact;
import qcowdesk.app.image.ImageFacts;
import qcowdesk.app.image.ImageTools;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.LibraryModel;
import qcowdesk.app.background.Jobs;
import qcowdesk.engine.device.FileStat;

import java.util.ArrayList;
import java.util.List;

/**
 * The Info tab's model: the facts of the selected image, the stat of its open backing file while it is attached,
 * and the consistency check with its result. Methods are called on the FX thread.
 */
public final class InfoModel {

    private final LibraryModel library;
    private final DeviceService devices;
    private final ImageTools tools;
    private final Jobs jobs;
    private final ObjectProperty<ImageItem> image = new SimpleObjectProperty<>();
    private final ObservableList<Fact> facts = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<FileStat> stat = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<CheckOutcome> checkOutcome = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper checkStatus = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper checking = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<BackgroundTask<?>> checkTask = new ReadOnlyObjectWrapper<>();
    private final ChangeListener<Object> imageChanged = (observable, old, now) -> show();

    public InfoModel(LibraryModel library, DeviceService devices, ImageTools tools, Jobs jobs) {
        this.library = library;
        this.devices = devices;
        this.tools = tools;
        this.jobs = jobs;
        image.addListener((observable, old, now) -> {
            if (old != null) {
                old.factsProperty().removeListener(imageChanged);
                old.stateProperty().removeListener(imageChanged);
                old.attachedAsProperty().removeListener(imageChanged);
            }
            if (now != null) {
                // the state too: a file that cannot be read changes no facts (none before, none after)
                now.factsProperty().addListener(imageChanged);
                now.stateProperty().addListener(imageChanged);
                now.attachedAsProperty().addListener(imageChanged);
            }
            checkOutcome.set(null);
            checkStatus.set("");
            show();
        });
        image.bind(library.selectedProperty());
    }

    public ReadOnlyObjectProperty<ImageItem> imageProperty() {
        return image;
    }

    /** Every known fact about the image, grouped by category; the stat of the open file comes last. */
    public ObservableList<Fact> facts() {
        return facts;
    }

    /** The stat of the open backing file while the image is attached; null otherwise. */
    public ReadOnlyObjectProperty<FileStat> statProperty() {
        return stat.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<CheckOutcome> checkOutcomeProperty() {
        return checkOutcome.getReadOnlyProperty();
    }

    /** The check's result or failure in words; empty before a check. */
    public ReadOnlyStringProperty checkStatusProperty() {
        return checkStatus.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty checkingProperty() {
        return checking.getReadOnlyProperty();
    }

    /** The running check (for its progress), or null. */
    public ReadOnlyObjectProperty<BackgroundTask<?>> checkTaskProperty() {
        return checkTask.getReadOnlyProperty();
    }

    /** True when the last check found leaks and the image is not attached (repairs need the file to itself). */
    public boolean canRepair() {
        ImageItem item = image.get();
        return checkOutcome.get() != null && checkOutcome.get().repairable() && item != null && !item.attached();
    }

    public void check() {
        runCheck(false);
    }

    /** Repairs leaked clusters, then checks again (the repair run reports what it fixed). */
    public void repair() {
        if (canRepair()) {
            runCheck(true);
        }
    }

    private void runCheck(boolean repair) {
        ImageItem item = image.get();
        if (item == null || checking.get()) {
            return;
        }
        checking.set(true);
        checkStatus.set(repair ? "Repairing leaked clusters…" : "Checking…");
        BackgroundTask<?> task = jobs.submit((repair ? "Repairing " : "Checking ") + item.name(),
                progress -> tools.check(item.path(), repair, progress), outcome -> {
                    finishCheck();
                    checkOutcome.set(outcome);
                    checkStatus.set(outcome.summary());
                    if (repair) {
                        library.refresh(item);
                    }
                }, failure -> {
                    finishCheck();
                    checkOutcome.set(null);
                    checkStatus.set("The check failed: " + failure.message());
                });
        if (task.isRunning()) {
            checkTask.set(task); // not when an executor ran it already: a finished check shows no progress
        }
    }

    private void finishCheck() {
        checking.set(false);
        checkTask.set(null);
    }

    private void show() {
        ImageItem item = image.get();
        List<Fact> shown = new ArrayList<>();
        if (item != null) {
            shown.add(new Fact("File", "path", item.path().toString()));
            shown.add(new Fact("File", "state", item.state().label()));
            if (!item.problemProperty().get().isEmpty()) {
                shown.add(new Fact("File", "problem", item.problemProperty().get()));
            }
            ImageFacts read = item.facts();
            if (read != null) {
                shown.addAll(read.details());
            }
        }
        facts.setAll(shown);
        stat.set(null);
        if (item != null && item.attached()) {
            String unit = item.attachedAs().split(",")[0].strip();
            jobs.submit("Reading the stat of " + unit, progress -> devices.stat(unit), fileStat -> {
                if (item == image.get() && item.attached()) {
                    stat.set(fileStat);
                    facts.addAll(StatFacts.of(unit, fileStat));
                }
            }, failure -> facts.add(new Fact("Open file", "stat", failure.message())));
        }
    }
}
