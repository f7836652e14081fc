package qcowdesk.bridge.mount;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/** How a device reaches the kernel's filesystems. */
public enum RouteKind {
    /** The kernel's own NBD client: {@code nbd-client} binds the export to {@code /dev/nbdN}; root only. */
    KERNEL_NBD("kernel-nbd", "kernel NBD client (/dev/nbdN)"),
    /** The export as a file through FUSE ({@code nbdfuse}), then a loop device over that file; root only. */
    FUSE_LOOP("fuse-loop", "FUSE file (nbdfuse) + loop device"),
    /** The FUSE file handed to udisks, which sets up the loop device and mounts for the desktop user. */
    UDISKS("udisks", "FUSE file (nbdfuse) + udisks loop device and mount");

    private final String wireName;
    private final String description;

    RouteKind(String wireName, String description) {
        this.wireName = wireName;
        this.description = description;
    }

    public String wireName() {
        return wireName;
    }

    public String description() {
        return description;
    }

    public static RouteKind parse(String name) throws EngineException {
        for (RouteKind kind : values()) {
            if (kind.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new EngineException(ErrorCode.INVALID_ARGUMENT, "unknown mount route '" + name + "': use "
                + Arrays.stream(values()).map(RouteKind::wireName).collect(Collectors.joining(", ")));
    }
}
