package qcowdesk.bridge.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.engine.EngineException;

/** The end of the root routes: pick the partition of the whole-disk device, probe it, mount it. */
final class BlockDevices {

    private BlockDevices() {
    }

    static ActiveMount mountOn(MountRequest request, String disk, Path dir, RouteKind route, List<Long> helperPids,
                               SetUp setUp) throws EngineException {
        List<Integer> partitions = Partitions.of(disk);
        int partition = Partitions.choose(request.unit(), partitions, request.partition());
        String device = partition == 0 ? disk : Partitions.device(disk, partition);
        String type = FilesystemMount.probe(device);
        FilesystemMount.mount(device, type, dir, request.readOnly(), request.options(), setUp);
        return new ActiveMount(new MountedFs(request.unit(), partition, device, dir, route, request.readOnly(), type,
                helperPids, devicesOf(disk, partitions)), setUp);
    }

    /** The disk and each of its partitions' devices. */
    static List<String> devicesOf(String disk, List<Integer> partitions) {
        List<String> devices = new ArrayList<>(List.of(disk));
        String name = Path.of(disk).getFileName().toString();
        String separator = Character.isDigit(name.charAt(name.length() - 1)) ? "p" : "";
        partitions.forEach(n -> devices.add(disk + separator + n));
        return devices;
    }
}
