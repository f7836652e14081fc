package qcowdesk.engine.device;

import java.util.Comparator;
import java.util.Set;
import java.util.regex.Pattern;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/** The names devices may have: {@code qcow0}, {@code qcow1}, ..., or a safe export name chosen by the user. */
final class UnitNames {

    static final String PREFIX = "qcow";

    /** Numbered units in canonical form only: {@code qcow01} would be a second name for {@code qcow1}. */
    private static final Pattern NUMBERED = Pattern.compile("qcow(0|[1-9][0-9]{0,8})");
    private static final Pattern LOOKS_NUMBERED = Pattern.compile("qcow[0-9]+");
    /** Safe in an NBD URI path, a shell word and a file name; no leading dot or dash. */
    private static final Pattern EXPORT_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    /** Numbered units by number (qcow2 before qcow10), then the other names alphabetically. */
    static final Comparator<String> ORDER = Comparator.comparing(UnitNames::number)
            .thenComparing(Comparator.naturalOrder());

    private UnitNames() {
    }

    /** Fails with INVALID_ARGUMENT unless {@code unit} is a name a device may have. */
    static void validate(String unit) throws EngineException {
        boolean ok = LOOKS_NUMBERED.matcher(unit).matches()
                ? NUMBERED.matcher(unit).matches()
                : EXPORT_NAME.matcher(unit).matches();
        if (!ok) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "invalid unit name '" + unit
                    + "': use qcowN (N without leading zeros) or up to 64 letters, digits, '.', '_' and '-'"
                    + " not starting with '.' or '-'");
        }
    }

    /** The number of a canonical {@code qcowN}; names of other shapes sort after all numbers. */
    private static long number(String unit) {
        return NUMBERED.matcher(unit).matches() ? Long.parseLong(unit.substring(PREFIX.length())) : Long.MAX_VALUE;
    }

    /** The lowest {@code qcowN} not in {@code taken}. */
    static String nextFree(Set<String> taken) {
        for (int n = 0; ; n++) {
            String name = PREFIX + n;
            if (!taken.contains(name)) {
                return name;
            }
        }
    }
}
