package qcowdesk.app.library;

import javafx.stage.FileChooser;

/** File choosers preset for QCOW2 images. */
public final class ImageFileChoosers {

    private ImageFileChoosers() {
    }

    public static FileChooser open(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("QCOW2 images", "*.qcow2", "*.qcow", "*.img"),
                new FileChooser.ExtensionFilter("All files", "*"));
        return chooser;
    }

    public static FileChooser save(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.setInitialFileName("disk.qcow2");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("QCOW2 images", "*.qcow2"));
        return chooser;
    }
}
