package qcowdesk.bridge.control;

import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceEvent;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.FileStat;

import static qcowdesk.bridge.control.ControlProtocol.JSON;

/** How devices, stats and events look on the control socket, both ways. */
final class WireFormat {

    private WireFormat() {
    }

    static ObjectNode message() {
        return JSON.createObjectNode().put("v", ControlProtocol.VERSION);
    }

    static ObjectNode device(DeviceInfo device, String uri) {
        return JSON.createObjectNode()
                .put("unit", device.unit())
                .put("file", device.fileName())
                .put("readOnly", device.readOnly())
                .put("sectorSize", device.sectorSize())
                .put("sizeBytes", device.sizeBytes())
                .put("sectors", device.sectors())
                .put("clients", device.clients())
                .put("uri", uri);
    }

    static DeviceInfo device(JsonNode node) {
        return new DeviceInfo(node.path("unit").asText(), node.path("file").asText(), node.path("readOnly").asBoolean(),
                node.path("sectorSize").asInt(), node.path("sizeBytes").asLong(), node.path("clients").asInt());
    }

    static JsonNode stat(FileStat stat) {
        return JSON.valueToTree(stat);
    }

    static FileStat stat(JsonNode node) throws EngineException {
        try {
            return JSON.treeToValue(node, FileStat.class);
        } catch (JsonProcessingException e) {
            throw new EngineException(ErrorCode.IO, "the owner sent a stat the client cannot read: " + e.getOriginalMessage(), e);
        }
    }

    /** An event line of the {@code watch} stream. */
    static ObjectNode event(DeviceEvent event, Function<String, String> uris) {
        ObjectNode line = message();
        // (Java 17 has no pattern matching in switch yet)
        if (event instanceof DeviceEvent.Attached a) {
            line.put("event", "attached").put("unit", a.unit()).set("device", device(a.device(), uris.apply(a.unit())));
        } else if (event instanceof DeviceEvent.Detached d) {
            line.put("event", "detached").put("unit", d.unit()).put("file", d.fileName()).put("forced", d.forced());
        } else if (event instanceof DeviceEvent.ClientConnected c) {
            line.put("event", "client-connected").put("unit", c.unit()).put("clients", c.clients());
        } else if (event instanceof DeviceEvent.ClientDisconnected c) {
            line.put("event", "client-disconnected").put("unit", c.unit()).put("clients", c.clients());
        } else if (event instanceof DeviceEvent.ClustersAllocated c) {
            AllocationEvent allocation = c.allocation();
            line.put("event", "allocated").put("unit", c.unit())
                    .put("guestOffset", allocation.guestOffset()).put("length", allocation.length())
                    .put("allocated", allocation.allocated()).put("fileSize", allocation.fileSize());
        }
        return line;
    }

    /** The event a {@code watch} line describes; null for events this client does not know (newer owners). */
    static DeviceEvent event(JsonNode line) {
        String unit = line.path("unit").asText();
        return switch (line.path("event").asText()) {
            case "attached" -> new DeviceEvent.Attached(device(line.path("device")));
            case "detached" -> new DeviceEvent.Detached(unit, line.path("file").asText(), line.path("forced").asBoolean());
            case "client-connected" -> new DeviceEvent.ClientConnected(unit, line.path("clients").asInt());
            case "client-disconnected" -> new DeviceEvent.ClientDisconnected(unit, line.path("clients").asInt());
            case "allocated" -> new DeviceEvent.ClustersAllocated(unit, new AllocationEvent(
                    line.path("guestOffset").asLong(), line.path("length").asLong(),
                    line.path("allocated").asBoolean(), line.path("fileSize").asLong()));
            default -> null;
        };
    }
}
