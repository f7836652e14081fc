package qcowdesk.cli.device;

import java.util.List;

import qcowdesk.cli.format.HumanSize;
import qcowdesk.engine.device.DeviceInfo;

/** The device list as an aligned table; the file name comes last because it may contain spaces. */
final class DeviceTableText {

    private DeviceTableText() {
    }

    static String render(List<DeviceInfo> devices) {
        int unitWidth = "UNIT".length();
        for (DeviceInfo device : devices) {
            unitWidth = Math.max(unitWidth, device.unit().length());
        }
        String row = "%-" + unitWidth + "s  %-4s  %6s  %7s  %9s  %s%n";
        StringBuilder out = new StringBuilder(String.format(row, "UNIT", "MODE", "SECTOR", "CLIENTS", "SIZE", "FILE"));
        for (DeviceInfo d : devices) {
            out.append(String.format(row, d.unit(), d.mode(), d.sectorSize(), d.clients(),
                    HumanSize.format(d.sizeBytes()), d.snapshot() == null ? d.fileName()
                            : d.fileName() + "  (snapshot " + d.snapshot() + ")"));
        }
        return out.toString();
    }
}
