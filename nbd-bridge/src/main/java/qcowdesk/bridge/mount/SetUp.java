package qcowdesk.bridge.mount;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * The steps a route has taken so far, each with its undo. On failure and on unmount they are undone in reverse
 * order, so that nothing is left behind: no mount, no loop device, no FUSE export.
 */
final class SetUp {

    private record Step(String what, Undo undo) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private final List<String> notes = new ArrayList<>();

    /** Records a step that has been done, and how to take it back. */
    synchronized void done(String what, Undo undo) {
        steps.push(new Step(what, undo));
    }

    /** Something the user should know about how the teardown went (e.g. that an unmount was lazy). */
    synchronized void note(String text) {
        notes.add(text);
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * Undoes every step, last first. A step that cannot be undone stops the teardown (what it holds still holds
     * the steps before it) and is reported; the steps not undone stay recorded so that a retry can finish.
     */
    synchronized void tearDown(boolean lazy) throws EngineException {
        while (!steps.isEmpty()) {
            Step step = steps.peek();
            try {
                step.undo().run(lazy);
            } catch (EngineException e) {
                throw new EngineException(e.code(), "cannot undo " + step.what() + ": " + e.getMessage(), e);
            }
            steps.pop();
        }
    }

    /** After a failed set-up: undoes what was done (lazily if it must) and adds that to the original failure. */
    EngineException rollBack(EngineException failure) {
        try {
            tearDown(false);
        } catch (EngineException first) {
            try {
                tearDown(true);
            } catch (EngineException second) {
                return new EngineException(failure.code(), failure.getMessage() + "; and the partial set-up could not "
                        + "be removed: " + second.getMessage(), failure);
            }
        } catch (RuntimeException e) {
            return new EngineException(ErrorCode.IO, failure.getMessage() + "; and removing the partial set-up "
                    + "failed: " + e, failure);
        }
        return failure;
    }

    synchronized boolean isEmpty() {
        return steps.isEmpty();
    }
}
