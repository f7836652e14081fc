package qcowdesk.app.hex;

/**
 * The classic dump layout: offset column, 16 bytes a row in hex (split 8+8), then ASCII.
 * <pre>0000000000000200  de ad be ef 00 00 00 00  00 00 00 00 00 00 00 00  |................|</pre>
 */
public final class HexRows {

    public static final int BYTES_PER_ROW = 16;
    private static final int OFFSET_COLUMN = 18;
    /** offset column + 16 × "xx " + one extra space in the middle + " |" + 16 ASCII + "|" + newline */
    public static final int ROW_LENGTH = OFFSET_COLUMN + BYTES_PER_ROW * 3 + 1 + 2 + BYTES_PER_ROW + 2;
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private HexRows() {
    }

    /** Rows for {@code data}, the first labelled with {@code baseOffset}. */
    public static String format(long baseOffset, byte[] data) {
        StringBuilder out = new StringBuilder((data.length / BYTES_PER_ROW + 1) * ROW_LENGTH);
        for (int row = 0; row < data.length; row += BYTES_PER_ROW) {
            appendRow(out, baseOffset + row, data, row, Math.min(BYTES_PER_ROW, data.length - row));
        }
        return out.toString();
    }

    /** One string per row of 16 bytes, without line ends. */
    public static java.util.List<String> rows(long baseOffset, byte[] data) {
        return format(baseOffset, data).lines().toList();
    }

    /** Column, within its row, of the hex digits of the row's byte {@code column} (0..15). */
    public static int hexColumn(int column) {
        return OFFSET_COLUMN + column * 3 + (column >= 8 ? 1 : 0);
    }

    /** Column, within its row, of the ASCII character of the row's byte {@code column} (0..15). */
    public static int asciiColumn(int column) {
        return OFFSET_COLUMN + BYTES_PER_ROW * 3 + 1 + 2 + column;
    }

    /** Character index, in {@link #format}'s text, of the hex digits of byte {@code index}. */
    public static int charIndex(int index) {
        return (index / BYTES_PER_ROW) * ROW_LENGTH + hexColumn(index % BYTES_PER_ROW);
    }

    private static void appendRow(StringBuilder out, long offset, byte[] data, int from, int count) {
        String label = Long.toHexString(offset);
        out.append("0".repeat(Math.max(0, 16 - label.length()))).append(label).append("  ");
        for (int i = 0; i < BYTES_PER_ROW; i++) {
            if (i == 8) {
                out.append(' ');
            }
            if (i < count) {
                int b = data[from + i] & 0xff;
                out.append(DIGITS[b >> 4]).append(DIGITS[b & 15]).append(' ');
            } else {
                out.append("   ");
            }
        }
        out.append(" |");
        for (int i = 0; i < count; i++) {
            int b = data[from + i] & 0xff;
            out.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        out.append("|\n");
    }
}
