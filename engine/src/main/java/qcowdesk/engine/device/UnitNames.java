package qcowdesk.engine.device;

import java.util.Comparator;
import java.util.Set;
import java.util.regex.Pattern;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * The names devices may have: {@code qcow0}, {@code qcow1}, ..., or a safe export name chosen by the user. The
 * one home of the rule: the device table enforces it, the CLI parses arguments with it, the app and
 * {@code qcowctl serve} number their units with it.
 */
public final class UnitNames {

    public static final String PREFIX = "qcow";

    /** The rule in words, for messages. */
    public static final String RULE = "qcowN (N without leading zeros) or up to 64 letters, digits, '.', '_' and '-'"
            + " not starting with '.' or '-'";

    /** Numbered units in canonical form only: {@code qcow01} would be a second name for {@code qcow1}. */
    private static final Pattern NUMBERED = Pattern.compile("qcow(0|[1-9][0-9]{0,8})");
    private static final Pattern LOOKS_NUMBERED = Pattern.compile("qcow[0-9]+");
    /** Safe in an NBD URI path, a shell word and a file name; no leading dot or dash. */
    private static final Pattern EXPORT_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    /** A unit typed as its bare number, vnconfig style: {@code 3} for {@code qcow3}. */
    private static final Pattern BARE_NUMBER = Pattern.compile("[0-9]{1,9}");

    /**
     * Numbered units by number (qcow2 before qcow10), then the other names alphabetically. Written out rather than
     * composed with {@code Comparator.comparing}: every owner's start builds it, and the composed form links JDK
     * lambdas that the class-data archive cannot hold (generated at each start).
     */
    static final Comparator<String> ORDER = (a, b) -> {
        int byNumber = Long.compare(number(a), number(b));
        return byNumber != 0 ? byNumber : a.compareTo(b);
    };

    private UnitNames() {
    }

    /** Whether {@code unit} is a name a device may have. */
    public static boolean isValid(String unit) {
        return LOOKS_NUMBERED.matcher(unit).matches()
                ? NUMBERED.matcher(unit).matches()
                : EXPORT_NAME.matcher(unit).matches();
    }

    /** Fails with INVALID_ARGUMENT unless {@code unit} is a name a device may have. */
    public static void validate(String unit) throws EngineException {
        if (!isValid(unit)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "invalid unit name '" + unit + "': use " + RULE);
        }
    }

    /** {@code qcowN}. */
    public static String numbered(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("unit number " + n);
        }
        return PREFIX + n;
    }

    /**
     * A unit as a user types it: a name a device may have, or its bare number ({@code 3} or {@code 03} for
     * {@code qcow3}).
     *
     * @throws EngineException INVALID_ARGUMENT for anything else
     */
    public static String fromArgument(String text) throws EngineException {
        if (BARE_NUMBER.matcher(text).matches()) {
            return numbered(Integer.parseInt(text));
        }
        validate(text);
        return text;
    }

    /** The number of a canonical {@code qcowN}; names of other shapes sort after all numbers. */
    private static long number(String unit) {
        return NUMBERED.matcher(unit).matches() ? Long.parseLong(unit.substring(PREFIX.length())) : Long.MAX_VALUE;
    }

    /** The lowest {@code qcowN} not in {@code taken}. */
    public static String nextFree(Set<String> taken) {
        for (int n = 0; ; n++) {
            String name = numbered(n);
            if (!taken.contains(name)) {
                return name;
            }
        }
    }
}
