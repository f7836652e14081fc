package qcowdesk.engine.qcow2.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import qcowdesk.engine.MapEntry;
import qcowdesk.testkit.Peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real qemu-img and qemu-io, with their JSON output parsed: the reference every tool is compared with. */
final class Qemu {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LONG = Duration.ofMinutes(5);

    private Qemu() {
    }

    /** {@code qemu-img ARGS...}, failing the test unless it exits 0. */
    static String img(String... args) {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(args));
        return Peers.run(LONG, command).assertOk().stdout();
    }

    /** Runs each qemu-io command in one process on {@code image}; fails the test on a non-zero exit. */
    static void io(Path image, String... commands) {
        List<String> command = new ArrayList<>(List.of("qemu-io"));
        if (image.toString().endsWith(".raw")) {
            command.addAll(List.of("-f", "raw")); // saves qemu-io's format-probing warning
        }
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.add(image.toString());
        Peers.Result result = Peers.run(LONG, command).assertOk();
        // qemu-io exits 0 even when a command fails; its error messages are the only sign.
        if (result.stdout().contains("failed") || !result.stderr().isBlank()) {
            throw new AssertionError("qemu-io " + String.join(" ", commands) + " on " + image + ":\n"
                    + result.stdout() + result.stderr());
        }
    }

    static JsonNode info(Path image) {
        return parse(img("info", "--output=json", image.toString()));
    }

    /** {@code qemu-img check --output=json}; it exits non-zero when it finds problems, so the code is not checked. */
    static JsonNode check(Path image, String... extra) {
        List<String> command = new ArrayList<>(List.of("qemu-img", "check", "--output=json"));
        command.addAll(List.of(extra));
        command.add(image.toString());
        Peers.Result result = Peers.run(LONG, command);
        if (result.stdout().isBlank()) {
            throw new AssertionError("qemu-img check printed nothing (exit " + result.exitCode() + "): " + result.stderr());
        }
        return parse(result.stdout());
    }

    /** {@code qemu-img map --output=json} as engine map entries (compressed is not reported by qemu-img 7.2). */
    static List<MapEntry> map(Path image) {
        List<MapEntry> entries = new ArrayList<>();
        for (JsonNode e : parse(img("map", "--output=json", image.toString()))) {
            entries.add(new MapEntry(e.get("start").asLong(), e.get("length").asLong(), e.get("depth").asInt(),
                    e.get("present").asBoolean(), e.get("zero").asBoolean(), e.get("data").asBoolean(),
                    e.path("compressed").asBoolean(false),
                    e.has("offset") ? e.get("offset").asLong() : MapEntry.NO_OFFSET));
        }
        return entries;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("qemu-img printed unparseable JSON: " + json, e);
        }
    }
}
