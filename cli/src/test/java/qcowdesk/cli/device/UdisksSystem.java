package qcowdesk.cli.device;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A system D-Bus of the test's own (the system bus policy on a private address), udisksd on it, and udevd
 * when none runs (udisks learns of new loop devices from udev events), so that the udisks route can be tested
 * on a machine without systemd. Stopped in reverse order.
 */
final class UdisksSystem implements AutoCloseable {

    private final Path bus;
    private final List<Process> started = new ArrayList<>();

    private UdisksSystem(Path bus) {
        this.bus = bus;
    }

    static UdisksSystem start(Path dir) throws IOException, InterruptedException {
        for (String peer : List.of("dbus-daemon", "udisksctl", "udevadm")) {
            Peers.require(peer);
        }
        UdisksSystem system = new UdisksSystem(dir.resolve("system_bus_socket"));
        try {
            system.spawn(dir, "dbus-daemon", "--config-file=/usr/share/dbus-1/system.conf",
                    "--address=unix:path=" + system.bus, "--nofork", "--nopidfile");
            system.await("the system bus", () -> Files.exists(system.bus));
            if (!udevRuns()) {
                system.spawn(dir, "/lib/systemd/systemd-udevd");
                system.await("udevd", UdisksSystem::udevRuns);
            }
            system.spawn(dir, "/usr/libexec/udisks2/udisksd");
            system.await("udisksd", () -> Peers.run(Duration.ofSeconds(10), List.of("env",
                    "DBUS_SYSTEM_BUS_ADDRESS=" + system.address(), "udisksctl", "status")).exitCode() == 0);
            return system;
        } catch (RuntimeException | Error e) {
            system.close();
            throw e;
        }
    }

    private static boolean udevRuns() {
        return Peers.run("udevadm", "control", "--ping", "--timeout=2").exitCode() == 0;
    }

    /** What clients of this bus put in DBUS_SYSTEM_BUS_ADDRESS. */
    String address() {
        return "unix:path=" + bus;
    }

    Map<String, String> environment() {
        return Map.of("DBUS_SYSTEM_BUS_ADDRESS", address());
    }

    private void spawn(Path dir, String... command) throws IOException {
        String name = Path.of(command[0]).getFileName().toString();
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectOutput(dir.resolve(name + ".log").toFile()).redirectErrorStream(true);
        builder.environment().put("DBUS_SYSTEM_BUS_ADDRESS", address());
        started.add(builder.start());
    }

    private void await(String what, java.util.function.BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " did not start within 30 s");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            Peers.stop(started.get(i));
        }
    }
}
