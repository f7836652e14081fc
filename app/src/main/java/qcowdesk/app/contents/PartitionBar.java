package qcowdesk.app.contents;

import java.util.function.Consumer;

import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.probe.FsInfo;

/**
 * The partitions drawn to scale, as GNOME Disks draws volumes: one box per partition, as wide as its share of the
 * disk (at least wide enough to click), naming its number, filesystem, label, size and use. Clicking selects it.
 */
final class PartitionBar extends HBox {

    private static final double MIN_WIDTH = 70;

    PartitionBar(ContentsModel model, Consumer<Volume> onSelect) {
        getStyleClass().add("partition-bar");
        setSpacing(2);
        setMinHeight(56);
        model.volumes().addListener((ListChangeListener<Volume>) change -> rebuild(model, onSelect));
        model.volumeProperty().addListener((obs, old, now) -> rebuild(model, onSelect));
    }

    private void rebuild(ContentsModel model, Consumer<Volume> onSelect) {
        getChildren().clear();
        long disk = Math.max(1, model.diskSize());
        for (Volume v : model.volumes()) {
            FsInfo fs = v.fs().orElse(null);
            String title = v.partition().map(p -> p.number() + ": ").orElse("") + (fs == null ? "no filesystem"
                    : fs.type() + (fs.label().isEmpty() ? "" : " “" + fs.label() + "”"));
            String size = Sizes.human(v.source().size()) + (fs != null && fs.used() >= 0
                    ? ", " + Sizes.human(fs.used()) + " used" : "");
            Label name = new Label(title);
            Label detail = new Label(size);
            detail.getStyleClass().add("text-muted");
            VBox box = new VBox(name, detail);
            box.setAlignment(Pos.CENTER_LEFT);
            box.getStyleClass().add("partition-box");
            if (v == model.volumeProperty().get()) {
                box.getStyleClass().add("selected");
            }
            box.setId("partition-" + v.partition().map(p -> Integer.toString(p.number())).orElse("disk"));
            double share = (double) v.source().size() / disk;
            box.setMinWidth(MIN_WIDTH);
            box.setPrefWidth(Math.max(MIN_WIDTH, share * 1000));
            HBox.setHgrow(box, Priority.ALWAYS);
            Tooltip.install(box, new Tooltip(title + "\n" + size + v.partition().map(p -> "\n" + p.typeName()
                    + "\nsectors " + p.startLba() + "–" + p.endLba()).orElse("")));
            box.setOnMouseClicked(e -> onSelect.accept(v));
            getChildren().add(box);
        }
    }
}
