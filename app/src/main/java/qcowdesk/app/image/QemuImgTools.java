package qcowdesk.app.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Image tools backed by the {@code qemu-img} program. Used until the engine's own info/create/check tools are
 * available to the app; they produce the same JSON shapes, so the rest of the app does not change.
 */
public final class QemuImgTools implements ImageTools {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public ImageFacts inspect(Path image) throws IOException {
        requireFile(image);
        return ImageFacts.fromInfoJson(image, JSON.readTree(run(List.of("qemu-img", "info", "--output=json",
                "-U", image.toString()), 0)));
    }

    @Override
    public void create(NewImageSpec spec) throws IOException {
        List<String> command = new ArrayList<>(List.of("qemu-img", "create", "-f", "qcow2"));
        String options = "cluster_size=" + spec.clusterSize() + ",compat=" + (spec.version() == 2 ? "0.10" : "1.1");
        command.addAll(List.of("-o", options));
        if (spec.backingFile() != null) {
            command.addAll(List.of("-b", spec.backingFile(), "-F", "qcow2"));
        }
        command.addAll(List.of(spec.path().toString(), Long.toString(spec.virtualSize())));
        run(command, 0);
    }

    @Override
    public CheckOutcome check(Path image, boolean repairLeaks) throws IOException {
        requireFile(image);
        List<String> command = new ArrayList<>(List.of("qemu-img", "check", "--output=json"));
        if (repairLeaks) {
            command.addAll(List.of("-r", "leaks"));
        }
        command.add(image.toString());
        // exit codes 2 (corruptions) and 3 (leaks) still carry a report
        return CheckOutcome.fromCheckJson(JSON.readTree(run(command, 3)));
    }

    private static void requireFile(Path image) throws EngineException {
        if (!Files.isRegularFile(image)) {
            throw new EngineException(ErrorCode.IO, "No such image file: " + image);
        }
    }

    private static String run(List<String> command, int highestAcceptedExit) throws IOException {
        Path errors = Files.createTempFile("qemu-img", ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        try {
            int exit = process.waitFor();
            if (exit > highestAcceptedExit || (exit != 0 && out.length == 0)) {
                throw new EngineException(ErrorCode.INVALID_IMAGE,
                        Files.readString(errors).strip().replaceFirst("^qemu-img: ", ""));
            }
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.IO, "Interrupted while running " + command.get(0));
        } finally {
            Files.deleteIfExists(errors);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
