package qcowdesk.bridge.mount;

import qcowdesk.engine.EngineException;

/** Takes back one step of a route's set-up (unmount, detach a loop device, stop the FUSE export, ...). */
@FunctionalInterface
interface Undo {

    /** @param lazy the device is being detached with force: detach what is still in use instead of refusing */
    void run(boolean lazy) throws EngineException;
}
