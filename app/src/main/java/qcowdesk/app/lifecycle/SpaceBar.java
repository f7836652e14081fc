package qcowdesk.app.lifecycle;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.engine.qcow2.ops.SpaceReport;

import java.util.List;

/**
 * One bar for the image file: each part as wide as its share of the file (guest data, all-zero data clusters,
 * metadata, leaked, free inside the file, held only by snapshots), with a legend naming the bytes; below it what
 * the guest sees (virtual size, what the backing chain provides).
 */
final class SpaceBar extends VBox {

    static final String ID = "space-bar";

    /** A part of the bar: its name, style class (the colour) and size. */
    record Part(String name, String style, long bytes) {
    }

    private final HBox bar = new HBox();
    private final FlowPane legend = new FlowPane(12, 4);
    private final Label guest = new Label();

    SpaceBar() {
        setId(ID);
        setSpacing(6);
        bar.setPrefHeight(28);
        bar.setMinHeight(28);
        bar.getStyleClass().add("space-bar");
        getChildren().addAll(bar, legend, guest);
    }

    static List<Part> parts(SpaceReport r) {
        long liveData = Math.max(0, r.data() - r.zeroData() - r.snapshotsOnly());
        long other = Math.max(0, r.fileSize() - r.data() - r.metadata() - r.leaked() - r.free());
        return List.of(new Part("guest data", "space-data", liveData),
                new Part("all-zero data clusters", "space-zero", r.zeroData()),
                new Part("held only by snapshots", "space-snapshots", r.snapshotsOnly()),
                new Part("metadata", "space-metadata", r.metadata() + other),
                new Part("leaked", "space-leaked", r.leaked()),
                new Part("free inside the file", "space-free", r.free()));
    }

    void show(SpaceReport r) {
        bar.getChildren().clear();
        legend.getChildren().clear();
        if (r == null) {
            guest.setText("Reading…");
            return;
        }
        long total = Math.max(1, r.fileSize());
        for (Part p : parts(r)) {
            Region cell = new Region();
            cell.getStyleClass().addAll("space-part", p.style());
            cell.setStyle(colour(p.style()));
            HBox.setHgrow(cell, Priority.ALWAYS);
            cell.prefWidthProperty().bind(bar.widthProperty().multiply((double) p.bytes() / total));
            cell.setMinWidth(p.bytes() == 0 ? 0 : 2);
            cell.setMaxWidth(Region.USE_PREF_SIZE);
            Tooltip.install(cell, new Tooltip(p.name() + ": " + Sizes.human(p.bytes())));
            bar.getChildren().add(cell);
            Label label = new Label(p.name() + " " + Sizes.human(p.bytes()));
            Region swatch = new Region();
            swatch.setMinSize(12, 12);
            swatch.setStyle(colour(p.style()));
            HBox item = new HBox(4, swatch, label);
            item.setId("legend-" + p.style());
            legend.getChildren().add(item);
        }
        guest.setText("File " + Sizes.human(r.fileSize()) + " for a disk of " + Sizes.human(r.virtualSize())
                + "; the guest's data here " + Sizes.human(r.guestAllocated())
                + (r.backingChain() > 0 ? ", from the backing chain " + Sizes.human(r.backingChain()) : ""));
        guest.setPadding(new Insets(2, 0, 0, 0));
    }

    /** Fixed colours that read on both themes. */
    private static String colour(String style) {
        String c = switch (style) {
            case "space-data" -> "#2f81f7";
            case "space-zero" -> "#d29922";
            case "space-snapshots" -> "#a371f7";
            case "space-metadata" -> "#8b949e";
            case "space-leaked" -> "#f85149";
            default -> "#3fb950";
        };
        return "-fx-background-color: " + c + ";";
    }
}
