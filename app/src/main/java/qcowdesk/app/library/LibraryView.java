package qcowdesk.app.library;

import atlantafx.base.theme.Styles;
import javafx.beans.InvalidationListener;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.app.image.ImageFacts;

import java.io.File;
import java.util.List;

/** The image library list on the left of the main window; .qcow2 files dropped on it are added. */
public final class LibraryView extends VBox {

    static final String LIST_ID = "library-list";

    public LibraryView(LibraryModel library) {
        Label title = new Label("Images");
        title.getStyleClass().add(Styles.TITLE_4);
        title.setPadding(new Insets(8, 8, 4, 8));

        ListView<ImageItem> list = new ListView<>(library.images());
        list.setId(LIST_ID);
        list.setCellFactory(view -> new ImageCell());
        Label empty = new Label("No images yet.\nOpen or create one, or drop .qcow2 files here.");
        empty.setWrapText(true);
        empty.setPadding(new Insets(8));
        list.setPlaceholder(empty);
        list.getSelectionModel().selectedItemProperty().addListener(
                (observable, old, now) -> library.selectedProperty().set(now));
        library.selectedProperty().addListener((observable, old, now) -> {
            if (list.getSelectionModel().getSelectedItem() != now) {
                list.getSelectionModel().select(now);
            }
        });
        list.setOnDragOver(event -> {
            if (!droppedImages(event).isEmpty()) {
                event.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
            }
            event.consume();
        });
        list.setOnDragDropped(event -> {
            List<File> images = droppedImages(event);
            images.forEach(file -> library.add(file.toPath()));
            event.setDropCompleted(!images.isEmpty());
            event.consume();
        });
        VBox.setVgrow(list, Priority.ALWAYS);
        getChildren().addAll(title, list);
        setMinWidth(220);
    }

    private static List<File> droppedImages(DragEvent event) {
        if (!event.getDragboard().hasFiles()) {
            return List.of();
        }
        return event.getDragboard().getFiles().stream()
                .filter(file -> file.getName().toLowerCase().endsWith(".qcow2") || file.getName().toLowerCase().endsWith(".qcow"))
                .toList();
    }

    /** Name on the first line; sizes, state and attachment on the second. */
    private static final class ImageCell extends ListCell<ImageItem> {
        private final Label name = new Label();
        private final Label details = new Label();
        private final VBox box = new VBox(2, name, details);
        private final InvalidationListener render = observable -> render();
        private ImageItem shown;

        ImageCell() {
            name.getStyleClass().add(Styles.TEXT_BOLD);
            details.getStyleClass().add(Styles.TEXT_SMALL);
        }

        @Override
        protected void updateItem(ImageItem item, boolean empty) {
            super.updateItem(item, empty);
            if (shown != null) {
                shown.stateProperty().removeListener(render);
                shown.attachedAsProperty().removeListener(render);
                shown.lostFileProperty().removeListener(render);
            }
            shown = empty ? null : item;
            if (shown == null) {
                setGraphic(null);
                return;
            }
            shown.stateProperty().addListener(render);
            shown.attachedAsProperty().addListener(render);
            shown.lostFileProperty().addListener(render);
            render();
            setGraphic(box);
        }

        private void render() {
            name.setText(shown.name());
            details.setText(describe(shown));
            details.getStyleClass().removeAll(Styles.DANGER, Styles.SUCCESS);
            if (shown.state() == ImageState.MISSING || shown.state() == ImageState.UNREADABLE
                    || !shown.lostFileProperty().get().isEmpty()) {
                details.getStyleClass().add(Styles.DANGER);
            } else if (shown.attached()) {
                details.getStyleClass().add(Styles.SUCCESS);
            }
        }

        static String describe(ImageItem item) {
            ImageFacts facts = item.facts();
            String text = switch (item.state()) {
                case READY -> Sizes.human(facts.virtualSize()) + " virtual · " + Sizes.human(facts.fileSize()) + " file";
                case LOADING -> "Reading…";
                case MISSING -> "File missing";
                case UNREADABLE -> "Unreadable: " + item.problemProperty().get();
            };
            String attachment = item.attached() ? text + " · attached as " + item.attachedAs() : text + " · not attached";
            String lost = item.lostFileProperty().get().isEmpty() ? attachment : attachment + " · file lost: save a copy before detaching";
            return item.isAddedByOwner() ? lost + " · added by the device owner" : lost;
        }
    }
}
