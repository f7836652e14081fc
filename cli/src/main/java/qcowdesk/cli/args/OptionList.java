package qcowdesk.cli.args;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.TypeConversionException;

/**
 * qemu-img's {@code -o key=value,key=value} syntax. A doubled comma ({@code ,,}) stands for a comma inside a
 * value, as in qemu; a key without a value means "on".
 */
public final class OptionList {

    private OptionList() {
    }

    /** Adds the options of {@code text} to {@code into}; later values replace earlier ones, as in qemu. */
    public static void parseInto(String text, Map<String, String> into) {
        for (String item : splitItems(text)) {
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq);
            String value = eq < 0 ? "on" : item.substring(eq + 1);
            if (key.isEmpty()) {
                throw new TypeConversionException("option '" + item + "' has no name (expected key=value)");
            }
            into.put(key, value);
        }
    }

    public static Map<String, String> parse(String text) {
        Map<String, String> options = new LinkedHashMap<>();
        parseInto(text, options);
        return options;
    }

    private static List<String> splitItems(String text) {
        List<String> items = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                item.append(',');
                i++;
            } else if (c == ',') {
                items.add(item.toString());
                item.setLength(0);
            } else {
                item.append(c);
            }
        }
        items.add(item.toString());
        return items;
    }
}
