package qcowdesk.bridge.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One owner per user, checked between real processes: a second owner is refused, a killed one is replaced. */
class OwnerAcrossProcessesTest {

    @TempDir
    Path dir;

    /** Starts {@link OwnerProcess} in a JVM of its own and waits until it serves. */
    private Process startOwner(Path runtime) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OwnerProcess.class.getName(), runtime.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertEquals("ready " + process.pid(), ready, "the owner process did not start");
        return process;
    }

    @Test
    void aSecondOwnerIsRefusedWithAMessageNamingTheRunningOne() throws Exception {
        Path runtime = dir.resolve("run");
        Process first = startOwner(runtime);
        try {
            EngineException e = assertThrows(EngineException.class,
                    () -> DeviceHost.start(TestHosts.options(runtime, "second")));
            assertEquals(ErrorCode.IN_USE, e.code());
            assertTrue(e.getMessage().contains("already running as pid " + first.pid() + " (test owner process)"),
                    e.getMessage());
            try (ControlClient client = ControlClient.connect(runtime.resolve("control.sock"))) {
                assertEquals(first.pid(), client.hello().pid(), "the refused owner left the running one alone");
            }
        } finally {
            first.getOutputStream().close();
            assertTrue(first.waitFor(20, TimeUnit.SECONDS));
        }
        assertEquals(0, first.exitValue());
        assertTrue(Files.notExists(runtime.resolve("control.sock")), "a clean shutdown removes its socket");
    }

    @Test
    void anOwnerKilledOutrightLeavesAStaleSocketThatTheNextOwnerReplaces() throws Exception {
        Path runtime = dir.resolve("run");
        Process crashed = startOwner(runtime);
        crashed.destroyForcibly();
        assertTrue(crashed.waitFor(20, TimeUnit.SECONDS));
        assertTrue(Files.exists(runtime.resolve("control.sock")), "SIGKILL leaves the socket file behind");
        assertThrows(NoOwnerException.class, () -> ControlClient.connect(runtime.resolve("control.sock")));

        try (DeviceHost next = DeviceHost.start(TestHosts.options(runtime, "after the crash"));
             ControlClient client = ControlClient.connect(runtime.resolve("control.sock"))) {
            assertEquals("after the crash", client.hello().description());
            assertEquals(ProcessHandle.current().pid(), next.owner().pid());
        }
    }
}
