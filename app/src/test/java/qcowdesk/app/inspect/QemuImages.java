package qcowdesk.app.inspect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import qcowdesk.engine.MapEntry;
import qcowdesk.testkit.Peers;

/** Builds test images with the real qemu-img/qemu-io and reads back what {@code qemu-img map} says of them. */
public final class QemuImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private QemuImages() {
    }

    /** {@code qemu-img create -f qcow2 -o cluster_size=...} plus any extra options. */
    public static Path create(Path dir, String name, String size, int clusterSize, String... options) {
        Path file = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-o",
                "cluster_size=" + clusterSize));
        command.addAll(List.of(options));
        command.add(file.toString());
        command.add(size);
        Peers.run(java.time.Duration.ofMinutes(1), command).assertOk();
        return file;
    }

    /** Runs qemu-io commands (e.g. "write -P 0xab 0 64k") on the image. */
    public static void io(Path image, String... commands) {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.add(image.toString());
        Peers.run(java.time.Duration.ofMinutes(1), command).assertOk();
    }

    /** Writes {@code bytes} at {@code offset} through qemu-io's pattern-file write. */
    public static void writeBytes(Path image, long offset, byte[] bytes) throws IOException {
        Path source = Files.createTempFile(image.getParent(), "pattern", ".bin");
        Files.write(source, bytes);
        io(image, "write -s " + source + " " + offset + " " + bytes.length);
        Files.delete(source);
    }

    /**
     * {@code qemu-img map --output=json} as MapEntry values. qemu 7.2 prints no "compressed" field: a compressed
     * extent is one in this image with data but no offset, and is marked so here.
     */
    public static List<MapEntry> map(Path image) throws IOException {
        String out = Peers.ok("qemu-img", "map", "-U", "--output=json", "-f", "qcow2", image.toString()).stdout();
        List<MapEntry> entries = new ArrayList<>();
        for (JsonNode node : JSON.readTree(out)) {
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

    /** Bytes per guest status in a qemu map. */
    public static java.util.Map<GuestStatus, Long> bytesByStatus(List<MapEntry> entries) {
        java.util.Map<GuestStatus, Long> out = new java.util.EnumMap<>(GuestStatus.class);
        for (GuestStatus status : GuestStatus.values()) {
            out.put(status, 0L);
        }
        entries.forEach(e -> out.merge(GuestStatus.of(e), e.length(), Long::sum));
        return out;
    }

    /** The entry of a qemu map that covers guest byte {@code offset}. */
    public static MapEntry entryAt(List<MapEntry> entries, long offset) {
        return entries.stream().filter(e -> offset >= e.start() && offset < e.end()).findFirst()
                .orElseThrow(() -> new AssertionError("qemu-img map does not cover offset " + offset));
    }
}
