package qcowdesk.cli.format;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The human form of {@code qemu-img info}, rendered from the same JSON tree that {@code --json} prints, so
 * the two outputs can never disagree.
 */
public final class InfoText {

    private static final DateTimeFormatter SNAPSHOT_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String INDENT = "    ";

    private final ZoneId zone;

    /** Snapshot dates are shown in {@code zone} (qemu-img uses the local time zone). */
    public InfoText(ZoneId zone) {
        this.zone = zone;
    }

    public String render(JsonNode info) {
        StringBuilder out = new StringBuilder();
        long virtualSize = info.path("virtual-size").asLong();
        line(out, "image: " + info.path("filename").asText());
        line(out, "file format: " + info.path("format").asText());
        line(out, "virtual size: " + HumanSize.format(virtualSize) + " (" + virtualSize + " bytes)");
        JsonNode actual = info.get("actual-size");
        line(out, "disk size: " + (actual == null ? "unavailable" : HumanSize.format(actual.asLong())));
        if (info.path("encrypted").asBoolean(false)) {
            line(out, "encrypted: yes");
        }
        if (info.has("cluster-size")) {
            line(out, "cluster_size: " + info.get("cluster-size").asLong());
        }
        if (info.path("dirty-flag").asBoolean(false)) {
            line(out, "cleanly shut down: no");
        }
        appendBacking(out, info);
        appendSnapshots(out, info.get("snapshots"));
        JsonNode specific = info.path("format-specific").get("data");
        if (specific != null && specific.size() > 0) {
            line(out, "Format specific information:");
            dump(out, specific, 1);
        }
        return out.toString();
    }

    private static void appendBacking(StringBuilder out, JsonNode info) {
        JsonNode backing = info.get("backing-filename");
        if (backing == null) {
            return;
        }
        StringBuilder text = new StringBuilder("backing file: ").append(backing.asText());
        JsonNode full = info.get("full-backing-filename");
        if (full == null) {
            text.append(" (cannot determine actual path)");
        } else if (!full.asText().equals(backing.asText())) {
            text.append(" (actual path: ").append(full.asText()).append(')');
        }
        line(out, text.toString());
        JsonNode format = info.get("backing-filename-format");
        if (format != null) {
            line(out, "backing file format: " + format.asText());
        }
    }

    /** The "Snapshot list:" table of qemu-img info and qemu-img snapshot -l; empty without snapshots. */
    public String snapshotTable(JsonNode snapshots) {
        StringBuilder out = new StringBuilder();
        appendSnapshots(out, snapshots);
        return out.toString();
    }

    private void appendSnapshots(StringBuilder out, JsonNode snapshots) {
        if (snapshots == null || !snapshots.isArray()) {
            return;
        }
        line(out, "Snapshot list:");
        line(out, String.format("%-10s%-17s%8s%20s%13s%11s", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK", "ICOUNT"));
        for (JsonNode snapshot : snapshots) {
            long clockSeconds = snapshot.path("vm-clock-sec").asLong();
            long clockMillis = snapshot.path("vm-clock-nsec").asLong() / 1_000_000;
            String clock = String.format("%02d:%02d:%02d.%03d",
                    clockSeconds / 3600, (clockSeconds / 60) % 60, clockSeconds % 60, clockMillis % 1000);
            String date = SNAPSHOT_DATE.format(Instant.ofEpochSecond(snapshot.path("date-sec").asLong()).atZone(zone));
            String icount = snapshot.has("icount") ? snapshot.get("icount").asText() : "";
            line(out, String.format("%-9s %-16s %8s%20s%13s%11s", snapshot.path("id").asText(),
                    snapshot.path("name").asText(), HumanSize.format(snapshot.path("vm-state-size").asLong()),
                    date, clock, icount));
        }
    }

    /** qemu's generic dump of format-specific data: dashes in keys become spaces, nesting indents by four. */
    private static void dump(StringBuilder out, JsonNode node, int depth) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                dumpItem(out, field.getKey().replace('-', ' '), field.getValue(), depth);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                dumpItem(out, "[" + i + "]", node.get(i), depth);
            }
        }
    }

    private static void dumpItem(StringBuilder out, String label, JsonNode value, int depth) {
        String indent = INDENT.repeat(depth);
        if (value.isContainerNode()) {
            out.append(indent).append(label).append(":\n");
            dump(out, value, depth + 1);
        } else {
            out.append(indent).append(label).append(": ").append(value.asText()).append('\n');
        }
    }

    private static void line(StringBuilder out, String text) {
        out.append(text).append('\n');
    }
}
