package qcowdesk.app.view;

import javafx.stage.FileChooser;

/** File choosers preset for QCOW2 images. */
final class ImageFileChoosers {

    private ImageFileChoosers() {
    }

    static FileChooser open(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("QCOW2 images", "*.qcow2", "*.qcow", "*.img"),
                new FileChooser.ExtensionFilter("All files", "*"));
        return chooser;
    }

    static FileChooser save(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.setInitialFileName("disk.qcow2");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("QCOW2 images", "*.qcow2"));
        return chooser;
    }
}
