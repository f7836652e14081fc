package qcowdesk.app.image;

import com.fasterxml.jackson.databind.JsonNode;
import qcowdesk.app.inspect.Sizes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the app needs to know about an image file, read from a description in the shape of
 * {@code qemu-img info --output=json} (which is also the JSON shape of the engine's ImageInfo).
 *
 * @param details every field of the description, flattened, for the info sheet
 */
public record ImageFacts(Path path, long virtualSize, long fileSize, int clusterSize, String version,
                         boolean corrupt, String backingFile, List<Fact> details) {

    public ImageFacts {
        details = List.copyOf(details);
    }

    public boolean hasBackingFile() {
        return backingFile != null;
    }

    public static ImageFacts fromInfoJson(Path path, JsonNode info) {
        JsonNode data = info.path("format-specific").path("data");
        String backing = info.hasNonNull("backing-filename") ? info.get("backing-filename").asText() : null;
        return new ImageFacts(path,
                info.path("virtual-size").asLong(),
                path.toFile().length(), // the apparent size; qemu's actual-size counts allocated blocks
                info.path("cluster-size").asInt(),
                data.path("compat").asText(""),
                data.path("corrupt").asBoolean(false),
                backing,
                flatten(info));
    }

    private static List<Fact> flatten(JsonNode info) {
        List<Fact> facts = new ArrayList<>();
        flattenInto(facts, "Image", "", info);
        return facts;
    }

    private static void flattenInto(List<Fact> facts, String category, String prefix, JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            String name = prefix + field.getKey();
            if (field.getKey().equals("format-specific")) {
                // qemu nests the qcow2 fields under format-specific.data; they deserve their own group
                flattenInto(facts, "Format", "", value.path("data"));
            } else if (value.isObject()) {
                flattenInto(facts, category, name + ".", value);
            } else if (value.isArray()) {
                facts.add(new Fact(category, name, value.toString()));
            } else if (value.isIntegralNumber() && name.endsWith("size") && value.asLong() >= 1024) {
                facts.add(new Fact(category, name, value.asLong() + " (" + Sizes.human(value.asLong()) + ")"));
            } else {
                facts.add(new Fact(category, name, value.asText()));
            }
        }
    }
}
