package qcowdesk.bridge.mount;

import java.nio.file.Path;
import java.util.List;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/** The export as a file through FUSE (nbdfuse), a loop device over it with partition scanning, then mount. */
final class FuseLoopRoute implements Route {

    private final Path workDirectory;

    /** @param workDirectory where the private FUSE directories go (the owner's runtime directory) */
    FuseLoopRoute(Path workDirectory) {
        this.workDirectory = workDirectory;
    }

    @Override
    public RouteKind kind() {
        return RouteKind.FUSE_LOOP;
    }

    @Override
    public ActiveMount mount(MountRequest request) throws EngineException {
        if (request.mountPoint() == null) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "the " + kind().wireName()
                    + " route needs a mount point");
        }
        Path dir = FilesystemMount.checkMountPoint(request.mountPoint());
        SetUp setUp = new SetUp();
        try {
            FuseExport fuse = FuseExport.start(request, workDirectory, setUp);
            String disk = LoopDevice.attach(fuse.file(), request.sectorSize(), request.readOnly(), setUp);
            return BlockDevices.mountOn(request, disk, dir, kind(), List.of(fuse.pid()), setUp);
        } catch (EngineException e) {
            throw setUp.rollBack(e);
        }
    }
}
