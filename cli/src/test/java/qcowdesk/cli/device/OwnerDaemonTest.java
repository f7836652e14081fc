package qcowdesk.cli.device;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of qcowctl's device commands against a real {@code qcowctl daemon}: one starts before each test, owning
 * {@code runtime} in the test's temporary directory {@link #dir}, and is stopped after it (SIGTERM, bounded wait).
 */
abstract class OwnerDaemonTest {

    @TempDir
    protected Path dir;

    /** The daemon of this test; a test that stops it may put a new one here, which is stopped after the test. */
    protected RunningDaemon daemon;

    /** qcowctl commands against the daemon, run from {@link #dir}. */
    protected OwnerCommands owner;

    @BeforeEach
    final void startDaemon() {
        daemon = RunningDaemon.start(dir);
        owner = daemon.commands();
    }

    @AfterEach
    final void stopDaemon() {
        daemon.close();
    }
}
