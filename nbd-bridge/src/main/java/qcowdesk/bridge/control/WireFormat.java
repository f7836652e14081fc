package qcowdesk.bridge.control;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import qcowdesk.bridge.holders.Holder;
import qcowdesk.bridge.holders.PeerProcess;
import qcowdesk.bridge.mount.MountEvent;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.bridge.mount.RouteKind;
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
        ObjectNode node = JSON.createObjectNode()
                .put("unit", device.unit())
                .put("file", device.fileName())
                .put("readOnly", device.readOnly())
                .put("temporary", device.temporary())
                .put("sectorSize", device.sectorSize())
                .put("sizeBytes", device.sizeBytes())
                .put("sectors", device.sectors())
                .put("clients", device.clients())
                .put("uri", uri);
        if (device.snapshot() != null) {
            node.put("snapshot", device.snapshot());
        }
        if (device.resolvedPath() != null) {
            node.put("path", device.resolvedPath());
        }
        return node;
    }

    static DeviceInfo device(JsonNode node) {
        return new DeviceInfo(node.path("unit").asText(), node.path("file").asText(), node.path("readOnly").asBoolean(),
                node.path("sectorSize").asInt(), node.path("sizeBytes").asLong(), node.path("clients").asInt(),
                node.path("temporary").asBoolean(), node.hasNonNull("snapshot") ? node.path("snapshot").asText() : null,
                node.hasNonNull("path") ? node.path("path").asText() : null);
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

    static ObjectNode mount(MountedFs mount) {
        ObjectNode node = JSON.createObjectNode()
                .put("unit", mount.unit())
                .put("partition", mount.partition())
                .put("blockDevice", mount.blockDevice())
                .put("mountPoint", mount.mountPoint().toString())
                .put("route", mount.route().wireName())
                .put("readOnly", mount.readOnly())
                .put("fsType", mount.fsType());
        mount.helperPids().forEach(node.putArray("helperPids")::add);
        mount.blockDevices().forEach(node.putArray("blockDevices")::add);
        return node;
    }

    static MountedFs mount(JsonNode node) throws EngineException {
        List<Long> pids = new ArrayList<>();
        node.path("helperPids").forEach(pid -> pids.add(pid.asLong()));
        List<String> devices = new ArrayList<>();
        node.path("blockDevices").forEach(device -> devices.add(device.asText()));
        return new MountedFs(node.path("unit").asText(), node.path("partition").asInt(),
                node.path("blockDevice").asText(), Path.of(node.path("mountPoint").asText("/")),
                RouteKind.parse(node.path("route").asText()), node.path("readOnly").asBoolean(),
                node.path("fsType").asText(), pids, devices);
    }

    static ObjectNode holder(Holder holder) {
        ObjectNode node = JSON.createObjectNode().put("text", holder.describe());
        if (holder instanceof Holder.Mount m) {
            node.put("kind", "mount").put("mountPoint", m.mountPoint().toString()).put("device", m.device())
                    .put("fsType", m.fsType());
        } else if (holder instanceof Holder.Client c) {
            node.put("kind", "client").put("peer", c.peer()).put("ofMount", c.ofMount())
                    .put("connections", c.connections());
            c.process().ifPresent(p -> node.put("pid", p.pid()).put("command", p.commandLine()));
        }
        return node;
    }

    static Holder holder(JsonNode node) {
        if ("mount".equals(node.path("kind").asText())) {
            return new Holder.Mount(Path.of(node.path("mountPoint").asText("/")), node.path("device").asText(),
                    node.path("fsType").asText());
        }
        Optional<PeerProcess> process = node.has("pid")
                ? Optional.of(new PeerProcess(node.path("pid").asLong(), node.path("command").asText()))
                : Optional.empty();
        return new Holder.Client(node.path("peer").asText(), process, node.path("ofMount").asBoolean(),
                node.path("connections").asInt(1));
    }

    /** A {@code mounted} or {@code unmounted} line of the {@code watch} stream. */
    static ObjectNode event(MountEvent event) {
        ObjectNode line = message().put("event", event.mounted() ? "mounted" : "unmounted")
                .put("unit", event.mount().unit());
        line.set("mount", mount(event.mount()));
        return line;
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
        } else if (event instanceof DeviceEvent.Repaired r) {
            line.put("event", "repaired").put("unit", r.unit()).put("message", r.message());
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
            case "repaired" -> new DeviceEvent.Repaired(unit, line.path("message").asText());
            case "client-connected" -> new DeviceEvent.ClientConnected(unit, line.path("clients").asInt());
            case "client-disconnected" -> new DeviceEvent.ClientDisconnected(unit, line.path("clients").asInt());
            case "allocated" -> new DeviceEvent.ClustersAllocated(unit, new AllocationEvent(
                    line.path("guestOffset").asLong(), line.path("length").asLong(),
                    line.path("allocated").asBoolean(), line.path("fileSize").asLong()));
            default -> null;
        };
    }
}
