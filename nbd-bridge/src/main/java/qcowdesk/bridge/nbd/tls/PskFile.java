package qcowdesk.bridge.nbd.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * Pre-shared keys in the format of {@code psktool} and {@code nbdkit --tls-psk}: one {@code username:hexkey} per
 * line. Blank lines and lines starting with '#' are skipped.
 */
final class PskFile {

    private static final String OPTION = "--tls-psk";
    private static final long MAX_FILE = 1 << 20;

    private PskFile() {
    }

    static Map<String, byte[]> read(Path file) throws EngineException {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_FILE) {
                throw PemFiles.invalid(OPTION, file, "is larger than 1 MiB: not a PSK file");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, OPTION + " " + file + ": cannot read: " + e.getMessage());
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.lastIndexOf(':');
            String where = "line " + (i + 1);
            if (colon <= 0 || colon == line.length() - 1) {
                throw PemFiles.invalid(OPTION, file, where + " is not 'username:hexkey'");
            }
            byte[] key;
            try {
                key = HexFormat.of().parseHex(line.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw PemFiles.invalid(OPTION, file, where + ": the key is not hexadecimal");
            }
            if (key.length < 16) {
                throw PemFiles.invalid(OPTION, file, where + ": the key has " + key.length
                        + " bytes; use at least 16 (psktool makes 32)");
            }
            keys.put(line.substring(0, colon), key);
        }
        if (keys.isEmpty()) {
            throw PemFiles.invalid(OPTION, file, "holds no 'username:hexkey' line");
        }
        return keys;
    }
}
