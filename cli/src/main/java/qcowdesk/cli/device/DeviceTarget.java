package qcowdesk.cli.device;

import java.io.IOException;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import qcowdesk.bridge.control.ControlClient;

/** The arguments of commands that act on one device: which owner to ask, and the unit. */
public final class DeviceTarget {

    @Mixin
    private OwnerOptions owner;

    @Parameters(paramLabel = "UNIT", converter = UnitName.class, description = "The device, e.g. qcow0.")
    private String unit;

    public String unit() {
        return unit;
    }

    public ControlClient connect() throws IOException {
        return owner.connect();
    }
}
