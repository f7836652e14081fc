package qcowdesk.app.newimage;

import qcowdesk.app.image.NewImageSpec;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns what the user typed in the New image dialog into a {@link NewImageSpec}, or says what is wrong. */
public final class NewImageForm {

    public static final List<Integer> CLUSTER_SIZES = List.of(512, 1024, 2048, 4096, 8192, 16384, 32768, 65536,
            131072, 262144, 524288, 1048576, 2097152);
    public static final int DEFAULT_CLUSTER_SIZE = 65536;
    public static final List<Integer> VERSIONS = List.of(3, 2);

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([KMGTP]?)(?:i?B)?\\s*",
            Pattern.CASE_INSENSITIVE);

    private NewImageForm() {
    }

    /**
     * @param size        e.g. "10G", "512M", "1.5T", "1048576" (bytes); K/M/G/T/P are powers of 1024
     * @param backingFile blank for none
     */
    public static NewImageSpec parse(String file, String size, int clusterSize, int version, String backingFile)
            throws EngineException {
        if (file == null || file.isBlank()) {
            throw invalid("Choose where to save the new image.");
        }
        Path path = Path.of(file.strip());
        long bytes = parseSize(size);
        if (!CLUSTER_SIZES.contains(clusterSize)) {
            throw invalid("The cluster size must be a power of two from 512 bytes to 2 MiB, not " + clusterSize);
        }
        if (!VERSIONS.contains(version)) {
            throw invalid("The QCOW2 version must be 2 or 3, not " + version);
        }
        String backing = backingFile == null || backingFile.isBlank() ? null : backingFile.strip();
        return new NewImageSpec(path, bytes, clusterSize, version, backing);
    }

    public static long parseSize(String text) throws EngineException {
        Matcher matcher = SIZE.matcher(text == null ? "" : text);
        if (!matcher.matches()) {
            throw invalid("The size \"" + text + "\" is not a size; write e.g. 10G, 512M or 1048576.");
        }
        int shift = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            case "P" -> 50;
            default -> 0;
        };
        double bytes = Double.parseDouble(matcher.group(1)) * (1L << shift);
        if (bytes < 512 || bytes > (double) (1L << 62)) {
            throw invalid("The size must be between 512 bytes and 4 EiB, not " + text.strip());
        }
        long rounded = (long) bytes;
        if (rounded % 512 != 0) {
            throw invalid("The size must be a multiple of 512 bytes; " + rounded + " is not.");
        }
        return rounded;
    }

    private static EngineException invalid(String message) {
        return new EngineException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
