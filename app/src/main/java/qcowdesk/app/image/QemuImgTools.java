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
 * Image info and check through the {@code qemu-img} program, until the engine's own ImageInfo and ImageChecker
 * are available; both speak the same JSON shapes, so swapping them changes nothing else in the app.
 */
final class QemuImgTools {

    private static final ObjectMapper JSON = new ObjectMapper();

    ImageFacts inspect(Path image) throws IOException {
        requireFile(image);
        return ImageFacts.fromInfoJson(image, JSON.readTree(run(List.of("qemu-img", "info", "-f", "qcow2", "--output=json",
                "-U", image.toString()), 0)));
    }

    CheckOutcome check(Path image, boolean repairLeaks) throws IOException {
        requireFile(image);
        List<String> command = new ArrayList<>(List.of("qemu-img", "check", "-f", "qcow2", "--output=json"));
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
