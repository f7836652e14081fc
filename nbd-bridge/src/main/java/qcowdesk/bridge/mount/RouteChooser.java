package qcowdesk.bridge.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * Picks the best route this machine has: the kernel NBD client (root, {@code /dev/nbd*}, nbd-client), else the
 * FUSE file with a loop device (root, {@code /dev/fuse}, nbdfuse, losetup), else udisks for a desktop user.
 */
public final class RouteChooser {

    private final Path workDirectory;

    /** @param workDirectory where FUSE exports get their private directories (the owner's runtime directory) */
    public RouteChooser(Path workDirectory) {
        this.workDirectory = workDirectory;
    }

    /** The route {@link #route} takes without a preference, or why there is none. */
    public RouteKind best() throws EngineException {
        boolean root = isRoot();
        boolean fuse = Files.exists(Path.of("/dev/fuse")) && Tool.find("nbdfuse").isPresent();
        if (root && KernelNbdRoute.available()) {
            return RouteKind.KERNEL_NBD;
        }
        if (root && fuse && Tool.find("losetup").isPresent()) {
            return RouteKind.FUSE_LOOP;
        }
        if (fuse && Tool.find("udisksctl").isPresent()) {
            return RouteKind.UDISKS;
        }
        List<String> missing = new ArrayList<>();
        if (!Files.exists(Path.of("/dev/fuse"))) {
            missing.add("no FUSE (/dev/fuse)");
        }
        if (Tool.find("nbdfuse").isEmpty()) {
            missing.add("no nbdfuse (apt-get install nbdfuse)");
        }
        if (!root && Tool.find("udisksctl").isEmpty()) {
            missing.add("no udisks (apt-get install udisks2) and not root");
        }
        throw new EngineException(ErrorCode.UNSUPPORTED, "no way to mount on this machine: "
                + String.join(", ", missing));
    }

    /** The route of {@code kind}, or the best one when {@code kind} is null. */
    Route route(RouteKind kind) throws EngineException {
        RouteKind chosen = kind != null ? kind : best();
        return switch (chosen) {
            case KERNEL_NBD -> new KernelNbdRoute();
            case FUSE_LOOP -> new FuseLoopRoute(workDirectory);
            case UDISKS -> new UdisksRoute(workDirectory);
        };
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
