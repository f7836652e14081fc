package qcowdesk.bridge.mount;

/** A filesystem of a device was mounted or unmounted; the app's devices table shows mount points from these. */
public record MountEvent(boolean mounted, MountedFs mount) {
}
