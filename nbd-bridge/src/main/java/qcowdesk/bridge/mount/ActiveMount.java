package qcowdesk.bridge.mount;

import java.util.List;

import qcowdesk.engine.EngineException;

/** A mount in the owner's table: what it is, and the steps that undo it. */
final class ActiveMount {

    private final MountedFs info;
    private final SetUp setUp;

    ActiveMount(MountedFs info, SetUp setUp) {
        this.info = info;
        this.setUp = setUp;
    }

    MountedFs info() {
        return info;
    }

    /** Undoes the route, last step first, flushing at each; returns what the user should know about it. */
    List<String> unmount(boolean lazy) throws EngineException {
        setUp.tearDown(lazy);
        return setUp.notes();
    }
}
