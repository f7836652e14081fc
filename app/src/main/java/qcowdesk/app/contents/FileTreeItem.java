package qcowdesk.app.contents;

import java.util.Comparator;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.TreeItem;
import qcowdesk.engine.contents.fs.FileNode;

/** A file or directory in the tree; a directory lists itself in the background the first time it is expanded. */
final class FileTreeItem extends TreeItem<FileNode> {

    private final ContentsModel model;
    private boolean requested;

    FileTreeItem(ContentsModel model, FileNode node) {
        super(node);
        this.model = model;
        if (node.isDirectory()) {
            // a placeholder child gives the item its expand arrow until the real children are listed
            super.getChildren().add(new TreeItem<>());
            expandedProperty().addListener((obs, old, expanded) -> {
                if (expanded) {
                    load();
                }
            });
        }
    }

    /** Whether the children have been listed. */
    boolean loaded() {
        return requested && (getChildren().isEmpty() || getChildren().get(0).getValue() != null);
    }

    void load() {
        if (requested) {
            return;
        }
        requested = true;
        model.list(getValue(), listing -> {
            ObservableList<TreeItem<FileNode>> items = FXCollections.observableArrayList();
            listing.entries().stream()
                    .sorted(Comparator.comparing((FileNode n) -> !n.isDirectory()).thenComparing(FileNode::name))
                    .forEach(n -> items.add(new FileTreeItem(model, n)));
            getChildren().setAll(items);
        });
    }

    @Override
    public boolean isLeaf() {
        return !getValue().isDirectory();
    }
}
