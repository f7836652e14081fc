package qcowdesk.cli.device;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.device.UnitNames;

/**
 * A unit argument: {@code qcowN}, a bare {@code N} (vnconfig accepts both styles), or another export name an
 * owner allows: the device table's own rule ({@link UnitNames}), so that every unit it can hold can be named here.
 */
public final class UnitName implements ITypeConverter<String> {

    @Override
    public String convert(String text) {
        try {
            return UnitNames.fromArgument(text);
        } catch (EngineException e) {
            throw new TypeConversionException("'" + text + "' is not a unit name (expected " + UnitNames.RULE
                    + ", e.g. qcow0)");
        }
    }
}
