package qcowdesk.bridge.control;

import com.fasterxml.jackson.databind.JsonNode;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/** Typed access to the fields of one request, failing with a message that names the field and what it wants. */
record RequestFields(String op, JsonNode node) {

    String requiredString(String name) throws EngineException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw invalid("'" + op + "' needs the field '" + name + "' (a string)");
        }
        if (!value.isTextual()) {
            throw invalid("field '" + name + "' of '" + op + "' must be a string, not " + value.getNodeType());
        }
        return value.textValue();
    }

    /** A string field that may be absent or null. */
    String optionalString(String name) throws EngineException {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : requiredString(name);
    }

    boolean optionalBoolean(String name, boolean otherwise) throws EngineException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw invalid("field '" + name + "' of '" + op + "' must be true or false, not " + value);
        }
        return value.booleanValue();
    }

    int optionalInt(String name, int otherwise) throws EngineException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalid("field '" + name + "' of '" + op + "' must be an integer, not " + value);
        }
        return value.intValue();
    }

    long requiredLong(String name) throws EngineException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw invalid("'" + op + "' needs the field '" + name + "' (an integer)");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid("field '" + name + "' of '" + op + "' must be an integer, not " + value);
        }
        return value.longValue();
    }

    static EngineException invalid(String message) {
        return new EngineException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
