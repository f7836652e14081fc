package qcowdesk.app.hex;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * What to look for on the disk.
 *
 * @param bytes       the exact bytes to find (at least one)
 * @param description how the user typed it, for messages
 */
public record SearchPattern(byte[] bytes, String description) {

    /** Longest pattern accepted: a search keeps this many bytes across chunk boundaries. */
    public static final int MAX_LENGTH = 4096;

    public SearchPattern {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("Enter something to search for");
        }
        if (bytes.length > MAX_LENGTH) {
            throw new IllegalArgumentException("The pattern is " + bytes.length + " bytes; at most " + MAX_LENGTH + " are searched for");
        }
    }

    /** Hex digits, optionally separated by spaces or colons, optionally prefixed with 0x: "de ad be ef". */
    public static SearchPattern hex(String text) {
        String digits = text.strip().replaceFirst("^0[xX]", "").replaceAll("[\\s:]", "");
        if (!digits.matches("[0-9a-fA-F]*")) {
            throw new IllegalArgumentException("Not a hex byte pattern: \"" + text.strip() + "\" (use digits 0-9 a-f, e.g. de ad be ef)");
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("A hex byte pattern needs an even number of digits: \"" + text.strip() + "\"");
        }
        return new SearchPattern(HexFormat.of().parseHex(digits), "hex " + HexFormat.ofDelimiter(" ").formatHex(HexFormat.of().parseHex(digits)));
    }

    /** Text, encoded as UTF-8. */
    public static SearchPattern text(String text) {
        return new SearchPattern(text.getBytes(StandardCharsets.UTF_8), "\"" + text + "\"");
    }

    /** A pattern of only zero bytes can match inside zero extents; any other cannot, so those are skipped unread. */
    public boolean allZero() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
