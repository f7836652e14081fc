package qcowdesk.cli.format;

import qcowdesk.engine.qcow2.ops.SpaceReport;

/** {@code info --space}: the space breakdown as aligned lines, or as JSON. */
public final class SpaceText {

    private SpaceText() {
    }

    public static String human(SpaceReport r) {
        StringBuilder out = new StringBuilder();
        line(out, "virtual size", r.virtualSize());
        line(out, "file size", r.fileSize());
        line(out, "guest data in this image", r.guestAllocated());
        line(out, "  of it in all-zero clusters", r.zeroData());
        line(out, "data clusters in the file", r.data());
        line(out, "metadata", r.metadata());
        line(out, "leaked", r.leaked());
        line(out, "free inside the file", r.free());
        line(out, "held only by snapshots", r.snapshotsOnly());
        line(out, "provided by the backing chain", r.backingChain());
        return out.toString();
    }

    private static void line(StringBuilder out, String what, long bytes) {
        out.append(String.format("%-30s %12s  (%d bytes)%n", what + ":", HumanSize.format(bytes), bytes));
    }

    public static String json(SpaceReport r) {
        return "{\n"
                + "    \"virtual-size\": " + r.virtualSize() + ",\n"
                + "    \"file-size\": " + r.fileSize() + ",\n"
                + "    \"guest-allocated\": " + r.guestAllocated() + ",\n"
                + "    \"zero-data\": " + r.zeroData() + ",\n"
                + "    \"data\": " + r.data() + ",\n"
                + "    \"metadata\": " + r.metadata() + ",\n"
                + "    \"leaked\": " + r.leaked() + ",\n"
                + "    \"free\": " + r.free() + ",\n"
                + "    \"snapshots-only\": " + r.snapshotsOnly() + ",\n"
                + "    \"backing-chain\": " + r.backingChain() + "\n}\n";
    }
}
