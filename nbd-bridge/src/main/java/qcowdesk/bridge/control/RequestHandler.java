package qcowdesk.bridge.control;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import qcowdesk.bridge.owner.OwnerInfo;
import qcowdesk.bridge.holders.BusyException;
import qcowdesk.bridge.mount.MountRequest;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.bridge.mount.RouteKind;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.device.TemporaryWrites;

import static qcowdesk.bridge.control.ControlProtocol.JSON;

/**
 * Answers one request line with one reply, the transport aside. Every failure, from malformed JSON to an engine
 * refusal, becomes an error reply: nothing a client sends can make it throw.
 */
final class RequestHandler {

    /** What a request asks for, decided before it is carried out (watch changes the connection's mode). */
    record Parsed(String op, RequestFields fields, JsonNode id) {
    }

    private final DeviceTable table;
    private final Function<String, String> uris;
    private final OwnerInfo owner;
    private final MountService mounts;

    RequestHandler(DeviceTable table, Function<String, String> uris, OwnerInfo owner, MountService mounts) {
        this.table = table;
        this.uris = uris;
        this.owner = owner;
        this.mounts = mounts;
    }

    /** Parses and checks the envelope ({@code v}, {@code op}) of a request line. */
    Parsed parse(String line) throws EngineException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw RequestFields.invalid("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw RequestFields.invalid("a request must be a JSON object, like {\"v\":1,\"op\":\"list\"}");
        }
        JsonNode version = node.get("v");
        if (version == null || !version.isInt() || version.intValue() != ControlProtocol.VERSION) {
            throw RequestFields.invalid("unsupported protocol version " + version + ": this owner speaks \"v\":"
                    + ControlProtocol.VERSION);
        }
        RequestFields fields = new RequestFields("request", node);
        String op = fields.requiredString("op");
        return new Parsed(op, new RequestFields(op, node), node.get("id"));
    }

    /** Carries out a parsed request (anything but {@code watch}) and returns the reply. */
    ObjectNode handle(Parsed request) {
        try {
            return withId(answer(request), request.id());
        } catch (EngineException e) {
            return withId(error(e, request), request.id());
        } catch (RuntimeException e) {
            // a bug must cost one reply, not the owner
            return withId(error(new EngineException(ErrorCode.IO, "internal error: " + e), request), request.id());
        }
    }

    private ObjectNode answer(Parsed request) throws EngineException {
        RequestFields f = request.fields();
        return switch (request.op()) {
            case "hello" -> ok().put("pid", owner.pid()).put("owner", owner.description())
                    .put("controlSocket", owner.controlSocket()).put("nbdSocket", owner.nbdSocket())
                    .put("protocol", ControlProtocol.VERSION);
            case "attach" -> attach(f);
            case "detach" -> {
                String unit = f.requiredString("unit");
                List<String> notes = mounts.detach(unit, f.optionalBoolean("force", false),
                        f.optionalBoolean("unmount", false), temporaryWrites(f));
                ObjectNode reply = ok().put("unit", unit);
                notes.forEach(reply.putArray("notes")::add);
                yield reply;
            }
            case "snapshot" -> {
                String unit = f.requiredString("unit");
                String name = f.requiredString("name");
                table.snapshot(unit, name);
                yield ok().put("unit", unit).put("name", name);
            }
            case "mount" -> mount(f);
            case "umount" -> {
                MountService.Unmounted done = mounts.unmount(f.requiredString("target"));
                ObjectNode reply = ok();
                done.mounts().forEach(m -> reply.withArray("mounts").add(WireFormat.mount(m)));
                done.detached().forEach(reply.putArray("detached")::add);
                done.notes().forEach(reply.putArray("notes")::add);
                yield reply;
            }
            case "mounts" -> {
                ObjectNode reply = ok();
                ArrayNode list = reply.putArray("mounts");
                mounts.table().list().forEach(m -> list.add(WireFormat.mount(m)));
                yield reply;
            }
            case "holders" -> {
                String unit = f.requiredString("unit");
                ObjectNode reply = ok().put("unit", unit);
                ArrayNode list = reply.putArray("holders");
                mounts.holders(unit).forEach(h -> list.add(WireFormat.holder(h)));
                yield reply;
            }
            case "fname" -> {
                String unit = f.requiredString("unit");
                yield ok().put("unit", unit).put("file", table.fname(unit));
            }
            case "stat" -> {
                String unit = f.requiredString("unit");
                ObjectNode reply = ok().put("unit", unit);
                reply.set("stat", WireFormat.stat(table.stat(unit)));
                yield reply;
            }
            case "list" -> {
                ObjectNode reply = ok();
                reply.set("devices", devices());
                yield reply;
            }
            case "map" -> DiskRequests.map(disk(f), f.requiredLong("offset"), f.requiredLong("length"));
            case "read" -> DiskRequests.read(disk(f), f.requiredLong("offset"), f.requiredLong("length"));
            default -> throw RequestFields.invalid("unknown op '" + request.op()
                    + "': use hello, attach, detach, snapshot, fname, stat, list, mount, umount, mounts, holders, map,"
                    + " read or watch");
        };
    }

    /** The disk of the device a request names; the device table keeps it open, we only read it. */
    private VirtualDisk disk(RequestFields f) throws EngineException {
        String unit = f.requiredString("unit");
        return table.find(unit).orElseThrow(() -> new EngineException(ErrorCode.NOT_ATTACHED,
                unit + " is not attached")).disk();
    }

    private ObjectNode attach(RequestFields f) throws EngineException {
        String cwd = f.optionalString("cwd");
        if (cwd != null && !Path.of(cwd).isAbsolute()) {
            throw RequestFields.invalid("field 'cwd' of 'attach' must be an absolute path, not '" + cwd + "'");
        }
        String file = f.requiredString("file");
        boolean readOnly = f.optionalBoolean("readOnly", false);
        int secBits = f.optionalInt("secBits", 0);
        String unit = f.optionalString("unit");
        boolean allowExternalFiles = f.optionalBoolean("allowExternalFiles", false);
        boolean temporary = f.optionalBoolean("temporary", false);
        if (temporary && readOnly) {
            throw RequestFields.invalid("'attach' is read-only or temporary, not both");
        }
        // an internal snapshot is presented read-only (qemu-nbd -l): the field implies readOnly
        String snapshot = f.optionalString("snapshot");
        if (snapshot != null && temporary) {
            throw RequestFields.invalid("'attach' of a snapshot is read-only, not temporary");
        }
        if (snapshot != null && snapshot.isEmpty()) {
            throw RequestFields.invalid("field 'snapshot' of 'attach' is empty");
        }
        AttachRequest request = (cwd == null ? new AttachRequest(file, readOnly, secBits, unit)
                : new AttachRequest(file, readOnly, secBits, unit, Path.of(cwd)))
                .withExternalFilesAllowed(allowExternalFiles);
        if (temporary) {
            request = request.asTemporary();
        }
        if (snapshot != null) {
            request = request.withSnapshot(snapshot);
        }
        DeviceInfo device = table.attach(request);
        return ok().put("unit", device.unit()).put("uri", uris.apply(device.unit()))
                .put("sectors", device.sectors()).put("sectorSize", device.sectorSize())
                .put("sizeBytes", device.sizeBytes()).put("readOnly", device.readOnly()).put("temporary", device.temporary())
                .put("file", device.fileName()).put("snapshot", device.snapshot());
    }

    /** A detach's {@code writes} ({@code discard}, {@code keep} with an absolute {@code keepAs}, {@code commit}). */
    private static TemporaryWrites temporaryWrites(RequestFields f) throws EngineException {
        String writes = f.optionalString("writes");
        String keepAs = f.optionalString("keepAs");
        if (writes == null) {
            if (keepAs != null) {
                throw RequestFields.invalid("field 'keepAs' of 'detach' needs \"writes\":\"keep\"");
            }
            return null;
        }
        return switch (writes) {
            case "discard" -> TemporaryWrites.discard();
            case "commit" -> TemporaryWrites.commit();
            case "keep" -> {
                if (keepAs == null || !Path.of(keepAs).isAbsolute()) {
                    throw RequestFields.invalid("\"writes\":\"keep\" needs 'keepAs', an absolute path, not "
                            + (keepAs == null ? "nothing" : "'" + keepAs + "'"));
                }
                yield TemporaryWrites.keep(Path.of(keepAs));
            }
            default -> throw RequestFields.invalid("field 'writes' of 'detach' must be discard, keep or commit, not '"
                    + writes + "'");
        };
    }

    private ObjectNode mount(RequestFields f) throws EngineException {
        String dir = f.optionalString("mountPoint");
        if (dir != null && !Path.of(dir).isAbsolute()) {
            throw RequestFields.invalid("field 'mountPoint' of 'mount' must be an absolute path, not '" + dir + "'");
        }
        String route = f.optionalString("route");
        MountedFs mounted = mounts.mount(f.requiredString("unit"),
                f.optionalInt("partition", MountRequest.ONLY_PARTITION), dir == null ? null : Path.of(dir),
                f.optionalBoolean("readOnly", false), f.optionalString("options"),
                route == null ? null : RouteKind.parse(route), f.optionalBoolean("detachOnUnmount", false));
        ObjectNode reply = ok();
        reply.set("mount", WireFormat.mount(mounted));
        return reply;
    }

    /** The current devices, as {@code list} and the start of {@code watch} report them. */
    ArrayNode devices() {
        ArrayNode devices = JSON.createArrayNode();
        table.list().forEach(device -> devices.add(WireFormat.device(device, uris.apply(device.unit()))));
        return devices;
    }

    static ObjectNode ok() {
        return WireFormat.message().put("ok", true);
    }

    /**
     * The reply for a failure; a busy device also reports how many clients hold it and, for a detach, what
     * holds it and whether unmounting would release it.
     */
    ObjectNode error(EngineException failure, Parsed request) {
        ObjectNode error = JSON.createObjectNode()
                .put("code", failure.code().wireName())
                .put("message", failure.getMessage());
        if (failure.code() == ErrorCode.BUSY && request != null && request.op().equals("detach")) {
            try {
                error.put("clients", table.info(request.fields().node().path("unit").asText()).clients());
            } catch (EngineException detachedMeanwhile) {
                // no count to give
            }
        }
        if (failure instanceof BusyException busy) {
            ArrayNode holders = error.putArray("holders");
            busy.holders().forEach(h -> holders.add(WireFormat.holder(h)));
            error.put("mountsOnly", busy.mountsOnly());
        }
        ObjectNode reply = WireFormat.message().put("ok", false);
        reply.set("error", error);
        return reply;
    }

    static ObjectNode withId(ObjectNode reply, JsonNode id) {
        if (id != null) {
            reply.set("id", id);
        }
        return reply;
    }
}
