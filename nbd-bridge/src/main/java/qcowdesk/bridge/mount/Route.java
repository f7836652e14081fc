package qcowdesk.bridge.mount;

import qcowdesk.engine.EngineException;

/**
 * One way of getting a device's filesystem mounted. {@link #mount} either succeeds, returning the mount with
 * the steps to undo it, or fails having undone every step it took.
 */
interface Route {

    RouteKind kind();

    ActiveMount mount(MountRequest request) throws EngineException;
}
