package qcowdesk.cli.format;

import java.math.BigDecimal;
import java.math.MathContext;

/** Byte counts the way qemu-img prints them: "1 GiB", "328 KiB", "1.5 MiB", "0 B" (binary units, 3 digits). */
public final class HumanSize {

    private static final String[] PREFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private HumanSize() {
    }

    public static String format(long bytes) {
        // qemu picks the unit from log2(bytes * 1.024) so that a value of 1000 or more moves to the next unit;
        // frexp's exponent is one more than Math.getExponent's.
        double scaled = bytes / (1000.0 / 1024.0);
        int exponent = scaled == 0 ? 0 : Math.getExponent(scaled) + 1;
        int unit = Math.min(Math.max((exponent - 1) / 10, 0), PREFIXES.length - 1);
        BigDecimal value = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(1L << (unit * 10)));
        BigDecimal rounded = value.round(new MathContext(3)).stripTrailingZeros();
        return rounded.toPlainString() + " " + PREFIXES[unit] + "B";
    }
}
