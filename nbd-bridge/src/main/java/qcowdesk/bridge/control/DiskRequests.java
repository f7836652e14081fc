package qcowdesk.bridge.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;

import static qcowdesk.bridge.control.ControlProtocol.JSON;

/**
 * The {@code map} and {@code read} requests: a device's allocation map and bytes as the owner sees them now,
 * for front ends in other processes whose inspection views must follow clients' writes (a read-only open of the
 * file would miss what the owner has not flushed yet). Both are bounded, whatever the client asks.
 */
final class DiskRequests {

    /** Extents in one {@code map} reply; the reply may stop early, as a disk's map may. */
    static final int MAX_EXTENTS = 4096;
    /** Bytes in one {@code read} reply (base64 on the wire: a 1.4 MB line). */
    static final int MAX_READ = 1 << 20;

    private DiskRequests() {
    }

    static ObjectNode map(VirtualDisk disk, long offset, long length) throws EngineException {
        ObjectNode reply = RequestHandler.ok().put("size", disk.size()).put("clusterSize", disk.clusterSize());
        ArrayNode extents = reply.putArray("extents");
        if (length == 0) {
            return reply;
        }
        List<MapEntry> entries;
        try {
            entries = disk.map(offset, length);
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot map the device: " + e.getMessage(), e);
        }
        for (MapEntry entry : entries.subList(0, Math.min(entries.size(), MAX_EXTENTS))) {
            extents.add(JSON.createObjectNode().put("start", entry.start()).put("length", entry.length())
                    .put("depth", entry.depth()).put("present", entry.present()).put("zero", entry.zero())
                    .put("data", entry.data()).put("compressed", entry.compressed())
                    .put("hostOffset", entry.hostOffset()));
        }
        return reply;
    }

    static ObjectNode read(VirtualDisk disk, long offset, long length) throws EngineException {
        if (length < 1 || length > MAX_READ) {
            throw RequestFields.invalid("field 'length' of 'read' must be 1 to " + MAX_READ + " bytes, not " + length);
        }
        ByteBuffer data = ByteBuffer.allocate((int) length);
        try {
            disk.read(offset, data);
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot read the device: " + e.getMessage(), e);
        }
        return RequestHandler.ok().put("data", Base64.getEncoder().encodeToString(data.array()));
    }

    /** The extents of a {@code map} reply. */
    static List<MapEntry> extents(JsonNode reply) {
        List<MapEntry> entries = new ArrayList<>();
        for (JsonNode e : reply.path("extents")) {
            entries.add(new MapEntry(e.path("start").asLong(), e.path("length").asLong(), e.path("depth").asInt(),
                    e.path("present").asBoolean(), e.path("zero").asBoolean(), e.path("data").asBoolean(),
                    e.path("compressed").asBoolean(), e.path("hostOffset").asLong(MapEntry.NO_OFFSET)));
        }
        return entries;
    }
}
