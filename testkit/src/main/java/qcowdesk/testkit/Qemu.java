package qcowdesk.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real qemu-img and qemu-io, the reference every test compares with: images made by them, commands run on
 * them, their JSON output parsed. Every call fails the test when the tool fails (qemu-io exits 0 even when a
 * command fails, so its messages are checked too).
 */
public final class Qemu {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LONG = Duration.ofMinutes(5);

    private Qemu() {
    }

    /** {@code qemu-img ARGS...}, failing the test unless it exits 0; returns its standard output. */
    public static String img(String... args) {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(args));
        return Peers.run(LONG, command).assertOk().stdout();
    }

    /** {@code qemu-img create -f qcow2 [-o OPTIONS] IMAGE SIZE}. */
    public static void create(Path image, String options, long size) {
        List<String> args = new ArrayList<>(List.of("create", "-q", "-f", "qcow2"));
        if (!options.isEmpty()) {
            args.add("-o");
            args.add(options);
        }
        args.add(image.toString());
        args.add(Long.toString(size));
        img(args.toArray(String[]::new));
    }

    /** {@code qemu-img create -f qcow2 -o cluster_size=N ARGS... DIR/NAME SIZE}; returns the image. */
    public static Path create(Path dir, String name, String size, int clusterSize, String... args) {
        Path image = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + clusterSize));
        command.addAll(List.of(args));
        command.add(image.toString());
        command.add(size);
        img(command.toArray(String[]::new));
        return image;
    }

    /** Runs each qemu-io command in one process on {@code image} of the given format. */
    public static Peers.Result io(String format, Path image, String... commands) {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", format));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.add(image.toString());
        Peers.Result result = Peers.run(LONG, command).assertOk();
        if (result.stdout().contains("failed") || !result.stderr().isBlank()) {
            fail("qemu-io " + String.join(" ", commands) + " on " + image + ":\n" + result.stdout() + result.stderr());
        }
        return result;
    }

    /** {@link #io(String, Path, String...)} on a qcow2 image, or a raw one when its name ends in .raw. */
    public static Peers.Result io(Path image, String... commands) {
        return io(image.toString().endsWith(".raw") ? "raw" : "qcow2", image, commands);
    }

    /** Writes {@code bytes} at guest {@code offset} of a qcow2 image through qemu-io's pattern-file write. */
    public static void writeBytes(Path image, long offset, byte[] bytes) throws IOException {
        Path source = Files.createTempFile(image.toAbsolutePath().getParent(), "pattern", ".bin");
        try {
            Files.write(source, bytes);
            io("qcow2", image, "write -s " + source + " " + offset + " " + bytes.length);
        } finally {
            Files.delete(source);
        }
    }

    public static void convertToRaw(Path image, Path raw) {
        img("convert", "-O", "raw", image.toString(), raw.toString());
    }

    public static JsonNode info(Path image) {
        return parse(img("info", "--output=json", image.toString()));
    }

    /** {@code qemu-img map -U --output=json ARGS... IMAGE}: -U, as the image may be open in the test. */
    public static JsonNode map(Path image, String... args) {
        List<String> command = new ArrayList<>(List.of("map", "-U", "--output=json"));
        command.addAll(List.of(args));
        command.add(image.toString());
        return parse(img(command.toArray(String[]::new)));
    }

    /** {@code qemu-img check --output=json}; it exits non-zero when it finds problems, so the code is not checked. */
    public static JsonNode check(Path image, String... extra) {
        List<String> command = new ArrayList<>(List.of("qemu-img", "check", "--output=json"));
        command.addAll(List.of(extra));
        command.add(image.toString());
        Peers.Result result = Peers.run(LONG, command);
        if (result.stdout().isBlank()) {
            throw new AssertionError("qemu-img check printed nothing (exit " + result.exitCode() + "): " + result.stderr());
        }
        return parse(result.stdout());
    }

    /** Fails unless qemu-img check finds neither corruptions nor leaks. */
    public static void checkClean(Path image) {
        Peers.Result r = Peers.run("qemu-img", "check", image.toString());
        if (r.exitCode() != 0 || !r.stdout().contains("No errors were found")) {
            fail("qemu-img check " + image + " exited " + r.exitCode() + ":\n" + r.stdout() + r.stderr());
        }
    }

    /** Fails if qemu-img check finds corruption (leaks are allowed). */
    public static void checkNoCorruption(Path image) {
        Peers.Result r = Peers.run("qemu-img", "check", image.toString());
        if (r.exitCode() == 2 || r.exitCode() == 1 || r.stdout().contains("ERROR")) {
            fail("qemu-img check " + image + " found corruption (exit " + r.exitCode() + "):\n" + r.stdout()
                    + r.stderr());
        }
    }

    /** Fails unless a qcow2 image and a raw file hold the same guest data. */
    public static void compareIdentical(Path image, Path raw) {
        Peers.Result r = Peers.run("qemu-img", "compare", "-f", "qcow2", "-F", "raw", image.toString(), raw.toString());
        assertEquals(0, r.exitCode(), "qemu-img compare: " + r.stdout() + r.stderr());
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("qemu-img printed unparseable JSON: " + json, e);
        }
    }
}
