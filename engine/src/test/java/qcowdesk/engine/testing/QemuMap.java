package qcowdesk.engine.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import qcowdesk.engine.MapEntry;
import qcowdesk.testkit.Qemu;

/** What {@code qemu-img map} says of an image, as the engine's map entries. */
public final class QemuMap {

    private QemuMap() {
    }

    /**
     * {@code qemu-img map --output=json ARGS... IMAGE}. qemu 7.2 prints no "compressed" field: an extent of the
     * top image with data but no host offset can only be compressed, and is marked so.
     */
    public static List<MapEntry> of(Path image, String... args) {
        List<MapEntry> entries = new ArrayList<>();
        for (JsonNode node : Qemu.map(image, args)) {
            boolean data = node.get("data").asBoolean();
            int depth = node.get("depth").asInt();
            long offset = node.has("offset") ? node.get("offset").asLong() : MapEntry.NO_OFFSET;
            boolean compressed = node.has("compressed") ? node.get("compressed").asBoolean()
                    : data && depth == 0 && offset == MapEntry.NO_OFFSET;
            entries.add(new MapEntry(node.get("start").asLong(), node.get("length").asLong(), depth,
                    node.path("present").asBoolean(true), node.get("zero").asBoolean(), data, compressed, offset));
        }
        return entries;
    }
}
