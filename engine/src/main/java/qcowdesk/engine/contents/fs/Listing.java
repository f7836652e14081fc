package qcowdesk.engine.contents.fs;

import java.util.List;

/**
 * A directory's entries (without "." and ".."), and the entries that could not be read, each with its reason: one
 * broken entry leaves the rest browsable.
 */
public record Listing(List<FileNode> entries, List<EntryError> errors) {

    public Listing {
        entries = List.copyOf(entries);
        errors = List.copyOf(errors);
    }

    /** An entry that could not be read: its name (as far as known) and why. */
    public record EntryError(String name, String message) {
    }
}
