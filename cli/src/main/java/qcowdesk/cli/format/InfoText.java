package qcowdesk.cli.format;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The human form of {@code qemu-img info}, rendered from the same tree that {@code --json} prints ({@link InfoTree},
 * or qemu-img's own JSON read as maps and lists), so the two outputs can never disagree.
 */
public final class InfoText {

    private static final String INDENT = "    ";

    private final Supplier<ZoneId> zone;

    /** Snapshot dates in the local time zone, as qemu-img shows them; looked up only when there are snapshots. */
    public InfoText() {
        this.zone = ZoneId::systemDefault;
    }

    /** Snapshot dates are shown in {@code zone}. */
    public InfoText(ZoneId zone) {
        this.zone = () -> zone;
    }

    public String render(Map<String, ?> info) {
        StringBuilder out = new StringBuilder();
        long virtualSize = number(info.get("virtual-size"));
        line(out, "image: " + text(info.get("filename")));
        line(out, "file format: " + text(info.get("format")));
        line(out, "virtual size: " + HumanSize.format(virtualSize) + " (" + virtualSize + " bytes)");
        Object actual = info.get("actual-size");
        line(out, "disk size: " + (actual == null ? "unavailable" : HumanSize.format(number(actual))));
        if (Boolean.TRUE.equals(info.get("encrypted"))) {
            line(out, "encrypted: yes");
        }
        if (info.containsKey("cluster-size")) {
            line(out, "cluster_size: " + number(info.get("cluster-size")));
        }
        if (Boolean.TRUE.equals(info.get("dirty-flag"))) {
            line(out, "cleanly shut down: no");
        }
        appendBacking(out, info);
        appendSnapshots(out, info.get("snapshots"));
        Object specific = info.get("format-specific") instanceof Map<?, ?> format ? format.get("data") : null;
        if (specific instanceof Map<?, ?> data && !data.isEmpty()) {
            line(out, "Format specific information:");
            dump(out, data, 1);
        }
        return out.toString();
    }

    private static void appendBacking(StringBuilder out, Map<String, ?> info) {
        Object backing = info.get("backing-filename");
        if (backing == null) {
            return;
        }
        StringBuilder text = new StringBuilder("backing file: ").append(text(backing));
        Object full = info.get("full-backing-filename");
        if (full == null) {
            text.append(" (cannot determine actual path)");
        } else if (!text(full).equals(text(backing))) {
            text.append(" (actual path: ").append(text(full)).append(')');
        }
        line(out, text.toString());
        Object format = info.get("backing-filename-format");
        if (format != null) {
            line(out, "backing file format: " + text(format));
        }
    }

    /** The "Snapshot list:" table of qemu-img info and qemu-img snapshot -l; empty without snapshots. */
    public String snapshotTable(Object snapshots) {
        StringBuilder out = new StringBuilder();
        appendSnapshots(out, snapshots);
        return out.toString();
    }

    private void appendSnapshots(StringBuilder out, Object snapshots) {
        if (!(snapshots instanceof List<?> list)) {
            return;
        }
        line(out, "Snapshot list:");
        line(out, String.format("%-10s%-17s%8s%20s%13s%11s", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK", "ICOUNT"));
        DateTimeFormatter dates = list.isEmpty() ? null
                : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(zone.get());
        for (Object entry : list) {
            Map<?, ?> snapshot = (Map<?, ?>) entry;
            long clockSeconds = number(snapshot.get("vm-clock-sec"));
            long clockMillis = number(snapshot.get("vm-clock-nsec")) / 1_000_000;
            String clock = String.format("%02d:%02d:%02d.%03d",
                    clockSeconds / 3600, (clockSeconds / 60) % 60, clockSeconds % 60, clockMillis % 1000);
            String date = dates.format(Instant.ofEpochSecond(number(snapshot.get("date-sec"))));
            String icount = snapshot.containsKey("icount") ? text(snapshot.get("icount")) : "";
            line(out, String.format("%-9s %-16s %8s%20s%13s%11s", text(snapshot.get("id")),
                    text(snapshot.get("name")), HumanSize.format(number(snapshot.get("vm-state-size"))),
                    date, clock, icount));
        }
    }

    /** qemu's generic dump of format-specific data: dashes in keys become spaces, nesting indents by four. */
    private static void dump(StringBuilder out, Object node, int depth) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> field : map.entrySet()) {
                dumpItem(out, ((String) field.getKey()).replace('-', ' '), field.getValue(), depth);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                dumpItem(out, "[" + i + "]", list.get(i), depth);
            }
        }
    }

    private static void dumpItem(StringBuilder out, String label, Object value, int depth) {
        String indent = INDENT.repeat(depth);
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            out.append(indent).append(label).append(":\n");
            dump(out, value, depth + 1);
        } else {
            out.append(indent).append(label).append(": ").append(String.valueOf(value)).append('\n');
        }
    }

    /** A scalar as qemu prints it (JSON's text of it; a missing one as empty, as JsonNode's asText did). */
    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static void line(StringBuilder out, String text) {
        out.append(text).append('\n');
    }
}
