package qcowdesk.app.info;

import atlantafx.base.theme.Styles;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PropertySheet;
import qcowdesk.app.image.Fact;

import java.util.Comparator;
import java.util.Optional;

/** The Info tab: the image's facts (and the open file's stat) in a property sheet, with Check and Repair. */
public final class InfoView extends VBox {

    static final String CHECK_BUTTON_ID = "check-button";
    static final String REPAIR_BUTTON_ID = "repair-button";
    static final String CHECK_STATUS_ID = "check-status";
    static final String SHEET_ID = "info-sheet";

    private PropertySheet sheet;

    public InfoView(InfoModel info) {
        info.facts().addListener((ListChangeListener<Fact>) change ->
                sheet().getItems().setAll(info.facts().stream().map(FactItem::new).toList()));

        Button check = new Button("Check");
        check.setId(CHECK_BUTTON_ID);
        check.disableProperty().bind(info.imageProperty().isNull().or(info.checkingProperty()));
        check.setOnAction(event -> info.check());

        Button repair = new Button("Repair leaks");
        repair.setId(REPAIR_BUTTON_ID);
        repair.getStyleClass().add(Styles.WARNING);
        repair.visibleProperty().bind(Bindings.createBooleanBinding(info::canRepair,
                info.checkOutcomeProperty(), info.imageProperty()));
        repair.managedProperty().bind(repair.visibleProperty());
        repair.disableProperty().bind(info.checkingProperty());
        repair.setOnAction(event -> info.repair());

        ProgressBar progress = new ProgressBar();
        progress.visibleProperty().bind(info.checkingProperty());
        info.checkTaskProperty().addListener((observable, old, task) -> {
            progress.progressProperty().unbind();
            if (task != null) {
                progress.progressProperty().bind(task.progressProperty());
            }
        });

        Label status = new Label();
        status.setId(CHECK_STATUS_ID);
        status.textProperty().bind(info.checkStatusProperty());
        status.setWrapText(true);
        info.checkOutcomeProperty().addListener((observable, old, outcome) -> {
            status.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER);
            if (outcome != null) {
                status.getStyleClass().add(outcome.clean() ? Styles.SUCCESS : Styles.DANGER);
            }
        });

        HBox actions = new HBox(8, check, repair, progress, status);
        actions.setAlignment(Pos.CENTER_LEFT);
        actions.setPadding(new Insets(8));
        Label empty = new Label("Select an image in the library.");
        empty.visibleProperty().bind(info.imageProperty().isNull());
        empty.managedProperty().bind(empty.visibleProperty());
        empty.setPadding(new Insets(8));
        getChildren().addAll(actions, empty); // the property sheet comes below them with the first facts
    }

    /**
     * The property sheet, made with the first facts. Until an image's facts are read it would be empty (when the
     * window opens on an image, they come after it is shown), and an empty ControlsFX sheet (its tool bar, search
     * field, accordion and stylesheet) was the largest part of the window's first CSS pass.
     */
    private PropertySheet sheet() {
        if (sheet == null) {
            sheet = new PropertySheet();
            sheet.setId(SHEET_ID);
            sheet.setModeSwitcherVisible(false);
            sheet.setSearchBoxVisible(false);
            sheet.setMode(PropertySheet.Mode.CATEGORY);
            // the accordion opens the first category: make that the image itself, the file's details after it
            sheet.setCategoryComparator(Comparator.comparingInt(InfoView::categoryRank).thenComparing(Comparator.naturalOrder()));
            VBox.setVgrow(sheet, Priority.ALWAYS);
            getChildren().add(sheet);
        }
        return sheet;
    }

    private static int categoryRank(String category) {
        return category.equals("Image") ? 0 : category.equals("Format") ? 1 : category.startsWith("Open file") ? 2 : 3;
    }

    /** A read-only property sheet row for one fact. */
    private record FactItem(Fact fact) implements PropertySheet.Item {
        @Override
        public Class<?> getType() {
            return String.class;
        }

        @Override
        public String getCategory() {
            return fact.category();
        }

        @Override
        public String getName() {
            return fact.name();
        }

        @Override
        public String getDescription() {
            return fact.category() + ": " + fact.name();
        }

        @Override
        public Object getValue() {
            return fact.value();
        }

        @Override
        public void setValue(Object value) {
            // facts describe the file; they are not edited here
        }

        @Override
        public Optional<ObservableValue<? extends Object>> getObservableValue() {
            return Optional.empty();
        }

        @Override
        public boolean isEditable() {
            return false;
        }
    }
}
