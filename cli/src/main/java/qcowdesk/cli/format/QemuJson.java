package qcowdesk.cli.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/** JSON laid out like qemu-img's {@code --output=json}: four-space indent, {@code "key": value}. */
public final class QemuJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER = MAPPER.writer(QemuJsonWriter.prettyPrinter());

    private QemuJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The value (a record, map or tree) as qemu-style pretty JSON, without a trailing newline. */
    public static String pretty(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The value as a JSON tree (records serialise through their Jackson annotations). */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }
}
