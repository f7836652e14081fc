package qcowdesk.cli.args;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Sizes written like qemu-img's: a number of bytes, optionally with a binary suffix (K, M, G, T, P, E, or B for
 * bytes; upper or lower case) and, with a suffix, a fraction ("1.5G").
 */
public final class ByteSize implements ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)(\\.\\d+)?([bkmgtpe])?");
    private static final String UNITS = "bkmgtpe";

    @Override
    public Long convert(String text) {
        return parse(text);
    }

    /** @throws TypeConversionException (a usage error) when the text is not a size */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(text);
        }
        int unit = m.group(3) == null ? 0 : UNITS.indexOf(m.group(3).charAt(0));
        if (m.group(2) != null && unit == 0) {
            throw invalid(text);
        }
        BigDecimal number = new BigDecimal(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(2).pow(10 * unit));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new TypeConversionException("'" + text + "' is too large (the limit is 8 EiB - 1)");
        }
        return bytes.longValue();
    }

    private static TypeConversionException invalid(String text) {
        return new TypeConversionException("'" + text + "' is not a size: use a number of bytes with an optional "
                + "K, M, G, T, P or E suffix (binary units, e.g. 512M, 1.5G)");
    }
}
