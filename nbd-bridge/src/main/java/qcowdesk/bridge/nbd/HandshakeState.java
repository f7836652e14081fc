package qcowdesk.bridge.nbd;

import java.util.List;

/** What the options negotiated so far have settled, while option haggling goes on. */
final class HandshakeState {

    /** Contexts chosen by the last NBD_OPT_SET_META_CONTEXT, valid only for the export it named. */
    record ContextSelection(String exportName, List<MetaContext> contexts) {
    }

    private boolean structuredReplies;
    private ContextSelection selection = new ContextSelection("", List.of());

    boolean structuredReplies() {
        return structuredReplies;
    }

    void enableStructuredReplies() {
        structuredReplies = true;
    }

    void select(ContextSelection newSelection) {
        selection = newSelection;
    }

    /** The selected contexts if they were chosen for {@code exportName}; the protocol drops them otherwise. */
    List<MetaContext> contextsFor(String exportName) {
        return structuredReplies && selection.exportName().equals(exportName) ? selection.contexts() : List.of();
    }
}
