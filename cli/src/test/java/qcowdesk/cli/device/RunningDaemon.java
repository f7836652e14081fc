package qcowdesk.cli.device;

import java.nio.file.Path;
import java.time.Duration;

import qcowdesk.cli.QcowctlProcess;

import static qcowdesk.cli.QcowctlProcess.READY;

/** A {@code qcowctl daemon} owning {@code runtime}, started from {@code dir}; closing stops it (SIGTERM, bounded). */
record RunningDaemon(QcowctlProcess process, Path runtime, Path dir) implements AutoCloseable {

    /** Starts a daemon whose runtime directory is {@code dir/runtime} and waits until it is ready. */
    static RunningDaemon start(Path dir) {
        Path runtime = dir.resolve("runtime");
        QcowctlProcess process = QcowctlProcess.start(runtime, dir, "daemon");
        process.nextLine(READY);
        return new RunningDaemon(process, runtime, dir);
    }

    /** qcowctl commands against this daemon, run from {@code dir}. */
    OwnerCommands commands() {
        return new OwnerCommands(runtime, dir);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.signal("TERM");
            process.awaitExit(Duration.ofSeconds(30));
        }
        process.close();
    }
}
