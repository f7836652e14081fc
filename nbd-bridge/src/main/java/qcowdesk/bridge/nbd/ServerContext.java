package qcowdesk.bridge.nbd;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import qcowdesk.engine.device.DeviceDirectory;

/** What every connection of one server shares. */
record ServerContext(DeviceDirectory devices, NbdServer.Config config, ExecutorService workers,
                     ScheduledExecutorService timers, BufferPool pool) {
}
