package qcowdesk.app.map;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.app.growth.AllocationCounter;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.app.inspect.QemuImages;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.testing.QemuMap;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real NBD client (qemu-io) writes to an attached device; the map, refreshed from coalesced allocation
 * events as the view's timer does it, ends where {@code qemu-img map} says the image is.
 */
class LiveMapOverNbdTest {

    @TempDir
    Path dir;

    @Test
    void qemuIoWritingThroughTheExportGrowsTheMapToMatchQemuImgMap() throws Exception {
        Path image = Qemu.create(dir, "nbd.qcow2", "512M", 65536);
        Path socket = dir.resolve("nbd.sock");
        try (DeviceTable devices = new DeviceTable((path, readOnly) ->
                Qcow2Image.open(path, readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite()));
             NbdServer server = NbdServer.start(devices, NbdServer.Config.defaults().withUnixSocket(socket))) {
            devices.attach(new AttachRequest(image.toString(), false, 9, "qcow0"));
            VirtualDisk disk = devices.find("qcow0").orElseThrow().disk();
            MapGeometry geometry = MapGeometry.of(disk.size(), disk.clusterSize(), 1024);
            try (LiveGuestMap live = new LiveGuestMap(disk, geometry);
                 AllocationCounter counter = new AllocationCounter(disk)) {
                CellMap<GuestStatus> map = GuestMapScan.build(disk, 1024, () -> false, x -> { });
                counter.baseline(disk, Files.size(image), () -> false);
                assertEquals(0, map.totalClusters(GuestStatus.DATA));

                List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
                for (int i = 0; i < 40; i++) {
                    command.addAll(List.of("-c", "write -P 0x" + Integer.toHexString(0x40 + i) + " " + (i * 5L << 20) + " 320k"));
                }
                command.add(server.uriFor("qcow0"));
                CompletableFuture<Peers.Result> client = CompletableFuture.supplyAsync(() -> Peers.run(Duration.ofMinutes(1), command));
                int refreshes = 0;
                while (!client.isDone() || live.hasChanges()) {
                    LiveGuestMap.apply(live.collect(), map);
                    refreshes++;
                    Thread.sleep(50);
                }
                client.join().assertOk();
                disk.flush();

                long qemuData = QemuImages.bytesByStatus(QemuMap.of(image)).get(GuestStatus.DATA);
                assertEquals(40L * 5 * 65536, qemuData);
                assertEquals(qemuData, map.totalBytes(GuestStatus.DATA));
                assertEquals(qemuData / 65536, counter.allocatedClusters());
                assertTrue(refreshes >= 1);
            }
        }
    }
}
