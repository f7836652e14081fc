package qcowdesk.bridge.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.bridge.holders.Holder;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.bridge.mount.MountEvent;
import qcowdesk.bridge.mount.MountRequest;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.bridge.mount.RouteKind;
import qcowdesk.engine.device.DeviceEvent;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The owner's mount table over the control socket: a mount made by one client is announced to watchers (the
 * app's devices table follows these), listed by {@code mounts}, and named by {@code holders}. A whole disk of
 * ext4 through the FUSE + loop route, as root.
 */
class MountEventsTest {

    @TempDir
    Path dir;

    @Test
    void mountsAreAnnouncedListedAndNamedAsHolders() throws Exception {
        Path runtime = dir.resolve("run");
        Path raw = dir.resolve("fs.ext4");
        Peers.ok("mkfs.ext4", "-q", raw.toString(), "16M");
        Path image = dir.resolve("fs.qcow2");
        Peers.ok("qemu-img", "convert", "-O", "qcow2", raw.toString(), image.toString());
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        BlockingQueue<MountEvent> events = new LinkedBlockingQueue<>();
        try (DeviceHost host = DeviceHost.start(TestHosts.options(runtime, "test host"));
             ControlClient client = ControlClient.connect(runtime.resolve("control.sock"));
             DeviceWatch watch = client.watch(new WatchListener() {
                 @Override
                 public void event(DeviceEvent event) {
                 }

                 @Override
                 public void mountChanged(MountEvent event) {
                     events.add(event);
                 }
             })) {
            String unit = client.attach(image.toString(), false, 0, null).unit();
            MountedFs mounted = client.mount(new ControlClient.Mount(unit, MountRequest.ONLY_PARTITION, mnt.toString(),
                    false, null, "fuse-loop", false));
            assertEquals(0, mounted.partition(), "no partition table: the whole disk");
            assertEquals(RouteKind.FUSE_LOOP, mounted.route());
            assertEquals("ext4", mounted.fsType());

            MountEvent announced = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(announced, "the watcher hears of the mount");
            assertTrue(announced.mounted());
            assertEquals(mounted, announced.mount());
            assertEquals(List.of(mounted), client.mounts());
            List<Holder> holders = client.holders(unit);
            assertTrue(holders.contains(new Holder.Mount(mnt, mounted.blockDevice(), "ext4")), holders.toString());
            assertTrue(holders.stream().anyMatch(h -> h instanceof Holder.Client c && c.ofMount()
                    && c.process().orElseThrow().commandLine().startsWith("nbdfuse")), holders.toString());

            client.unmount(mnt.toString());
            MountEvent gone = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(gone, "the watcher hears of the unmount");
            assertTrue(!gone.mounted() && gone.mount().mountPoint().equals(mnt));
            assertEquals(List.of(), client.mounts());
            client.detach(unit, false);
        }
        Peers.ok("qemu-img", "check", image.toString());
    }
}
