package qcowdesk.cli.device;

import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A unit argument: {@code qcowN}, a bare {@code N} (vnconfig accepts both styles), or another export name an
 * owner allows (letters, digits, {@code . _ -}).
 */
public final class UnitName implements ITypeConverter<String> {

    private static final Pattern NUMBER = Pattern.compile("\\d{1,6}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @Override
    public String convert(String text) {
        if (NUMBER.matcher(text).matches()) {
            return "qcow" + Integer.parseInt(text);
        }
        if (!NAME.matcher(text).matches()) {
            throw new TypeConversionException("'" + text + "' is not a unit name (expected qcowN, e.g. qcow0)");
        }
        return text;
    }
}
