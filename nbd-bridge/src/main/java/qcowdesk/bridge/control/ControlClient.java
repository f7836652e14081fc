package qcowdesk.bridge.control;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.owner.OwnerInfo;
import qcowdesk.bridge.owner.PrivateDirectory;
import qcowdesk.bridge.holders.BusyException;
import qcowdesk.bridge.holders.Holder;
import qcowdesk.bridge.mount.MountRequest;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.TemporaryWrites;
import qcowdesk.engine.device.FileStat;
import qcowdesk.engine.support.DaemonThreads;

import static qcowdesk.bridge.control.ControlProtocol.JSON;
import qcowdesk.bridge.nbd.wire.ChannelStreams;

/**
 * The device operations of a running owner (the app or {@code qcowctl daemon}), over its control socket.
 * Refusals arrive as {@link EngineException} with the owner's code and message. One request at a time per client.
 */
public final class ControlClient implements AutoCloseable {

    /** Longer than a forced detach may take (10 s) plus a slow flush. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("qcowdesk-control-timeout"));

    /** What an attach made: the unit, where NBD clients find it, and its geometry. */
    public record Attached(String unit, String uri, long sectors, int sectorSize) {
    }

    private final Path socket;
    private final SocketChannel channel;
    private final BoundedLineReader in;
    private final OutputStream out;
    private final Duration timeout;

    private ControlClient(Path socket, SocketChannel channel, Duration timeout) {
        this.socket = socket;
        this.channel = channel;
        this.in = new BoundedLineReader(ChannelStreams.in(channel), 16 * 1024 * 1024);
        this.out = ChannelStreams.out(channel);
        this.timeout = timeout;
    }

    /** Connects to the owner of this user's runtime directory. */
    public static ControlClient connect(RuntimeDirectory runtime) throws IOException {
        if (!Files.exists(runtime.path())) {
            throw new NoOwnerException(runtime.controlSocket());
        }
        PrivateDirectory.require(runtime.path());
        return connect(runtime.controlSocket());
    }

    /** Connects to the control socket at {@code socket}; fails with {@link NoOwnerException} when none listens. */
    public static ControlClient connect(Path socket) throws IOException {
        return connect(socket, DEFAULT_TIMEOUT);
    }

    public static ControlClient connect(Path socket, Duration timeout) throws IOException {
        return new ControlClient(socket, open(socket), timeout);
    }

    static SocketChannel open(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (java.net.ConnectException | java.nio.file.NoSuchFileException e) {
            channel.close();
            throw new NoOwnerException(socket);
        } catch (IOException e) {
            channel.close();
            if (e.getMessage() != null && (e.getMessage().contains("No such file") || e.getMessage().contains("refused"))) {
                throw new NoOwnerException(socket);
            }
            throw e;
        }
    }

    public OwnerInfo hello() throws IOException {
        JsonNode reply = call(request("hello"));
        return new OwnerInfo(reply.path("pid").asLong(), reply.path("owner").asText(),
                reply.path("controlSocket").asText(), reply.path("nbdSocket").asText());
    }

    /**
     * Attaches {@code file} as given; a relative name is relative to this process's working directory (sent
     * along), while the owner keeps the string itself for {@code fname}.
     */
    public Attached attach(String file, boolean readOnly, int secBits, String unit) throws IOException {
        return attach(file, readOnly, secBits, unit, false);
    }

    /**
     * Attaches as above; {@code allowExternalFiles} says the user trusts the image's backing and data files even
     * where the external files policy would refuse them.
     */
    public Attached attach(String file, boolean readOnly, int secBits, String unit, boolean allowExternalFiles)
            throws IOException {
        return attach(file, readOnly, false, secBits, unit, allowExternalFiles);
    }

    /**
     * Attaches for temporary writes: clients write into an overlay in the owner's runtime directory, the image
     * is only read; {@link #detach(String, boolean, boolean, TemporaryWrites)} says what becomes of the writes.
     */
    public Attached attachTemporary(String file, int secBits, String unit, boolean allowExternalFiles)
            throws IOException {
        return attach(file, false, true, secBits, unit, allowExternalFiles);
    }

    /**
     * Attaches internal snapshot {@code snapshot} (name or id) of {@code file}, read-only (qemu-nbd -l); a name
     * the image lacks is refused with the names it has.
     */
    public Attached attachSnapshot(String file, String snapshot, int secBits, String unit, boolean allowExternalFiles)
            throws IOException {
        return attach(file, true, false, secBits, unit, allowExternalFiles, snapshot);
    }

    private Attached attach(String file, boolean readOnly, boolean temporary, int secBits, String unit,
                            boolean allowExternalFiles) throws IOException {
        return attach(file, readOnly, temporary, secBits, unit, allowExternalFiles, null);
    }

    private Attached attach(String file, boolean readOnly, boolean temporary, int secBits, String unit,
                            boolean allowExternalFiles, String snapshot) throws IOException {
        ObjectNode request = request("attach").put("file", file).put("readOnly", readOnly).put("secBits", secBits)
                .put("cwd", Path.of("").toAbsolutePath().toString());
        if (snapshot != null) {
            request.put("snapshot", snapshot);
        }
        if (temporary) {
            request.put("temporary", true);
        }
        if (allowExternalFiles) {
            request.put("allowExternalFiles", true);
        }
        if (unit != null) {
            request.put("unit", unit);
        }
        JsonNode reply = call(request);
        return new Attached(reply.path("unit").asText(), reply.path("uri").asText(), reply.path("sectors").asLong(),
                reply.path("sectorSize").asInt());
    }

    public void detach(String unit, boolean force) throws IOException {
        detach(unit, force, false);
    }

    /**
     * Detaches {@code unit}; {@code unmount} unmounts its filesystems first, {@code force} (lazily if it must)
     * and disconnects its clients. Returns the owner's notes (e.g. that an unmount was lazy). A refusal because
     * the device is held is a {@link BusyException} naming the holders.
     */
    public List<String> detach(String unit, boolean force, boolean unmount) throws IOException {
        return detach(unit, force, unmount, null);
    }

    /**
     * Detaches as above; a temporary device's writes end as {@code end} says (null: the owner's default,
     * discard). The notes then include what became of them.
     */
    public List<String> detach(String unit, boolean force, boolean unmount, TemporaryWrites end) throws IOException {
        ObjectNode request = request("detach").put("unit", unit).put("force", force).put("unmount", unmount);
        if (end != null) {
            request.put("writes", end.kind().wireName());
            if (end.keepAs() != null) {
                request.put("keepAs", end.keepAs().toString());
            }
        }
        return texts(call(request).path("notes"));
    }

    /** What a mount request asks for; {@code partition} {@link MountRequest#ONLY_PARTITION} and null route: defaults. */
    public record Mount(String unit, int partition, String mountPoint, boolean readOnly, String options, String route,
                        boolean detachOnUnmount) {
    }

    public MountedFs mount(Mount mount) throws IOException {
        ObjectNode request = request("mount").put("unit", mount.unit()).put("partition", mount.partition())
                .put("readOnly", mount.readOnly()).put("detachOnUnmount", mount.detachOnUnmount());
        if (mount.mountPoint() != null) {
            request.put("mountPoint", Path.of(mount.mountPoint()).toAbsolutePath().normalize().toString());
        }
        if (mount.options() != null) {
            request.put("options", mount.options());
        }
        if (mount.route() != null) {
            request.put("route", mount.route());
        }
        return WireFormat.mount(call(request).path("mount"));
    }

    /** Unmounts a mount point (absolute path) or every mount of a unit; returns what it did. */
    public MountService.Unmounted unmount(String target) throws IOException {
        JsonNode reply = call(request("umount").put("target", target));
        List<MountedFs> mounts = new ArrayList<>();
        for (JsonNode node : reply.path("mounts")) {
            mounts.add(WireFormat.mount(node));
        }
        return new MountService.Unmounted(mounts, texts(reply.path("detached")), texts(reply.path("notes")));
    }

    public List<MountedFs> mounts() throws IOException {
        List<MountedFs> mounts = new ArrayList<>();
        for (JsonNode node : call(request("mounts")).path("mounts")) {
            mounts.add(WireFormat.mount(node));
        }
        return mounts;
    }

    public List<Holder> holders(String unit) throws IOException {
        List<Holder> holders = new ArrayList<>();
        call(request("holders").put("unit", unit)).path("holders").forEach(h -> holders.add(WireFormat.holder(h)));
        return holders;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /**
     * Creates internal snapshot {@code name} of {@code unit}, a device attached read-write, without disconnecting
     * its clients: the owner quiesces the device, flushes it and snapshots the file.
     */
    public void snapshot(String unit, String name) throws IOException {
        call(request("snapshot").put("unit", unit).put("name", name));
    }

    public String fname(String unit) throws IOException {
        return call(request("fname").put("unit", unit)).path("file").asText();
    }

    public FileStat stat(String unit) throws IOException {
        return WireFormat.stat(call(request("stat").put("unit", unit)).path("stat"));
    }

    public List<DeviceInfo> list() throws IOException {
        return devices(call(request("list")).path("devices"));
    }

    /** What a {@code map} request returns: the device's geometry and the extents from the offset on. */
    public record DiskMap(long size, int clusterSize, List<MapEntry> extents) {
    }

    /** The allocation map of {@code unit} from {@code offset}, as the owner sees it now (may stop early). */
    public DiskMap map(String unit, long offset, long length) throws IOException {
        JsonNode reply = call(request("map").put("unit", unit).put("offset", offset).put("length", length));
        return new DiskMap(reply.path("size").asLong(), reply.path("clusterSize").asInt(), DiskRequests.extents(reply));
    }

    /** Fills {@code dst} with {@code unit}'s bytes at {@code offset}, in requests of at most 1 MiB. */
    public void read(String unit, long offset, ByteBuffer dst) throws IOException {
        long at = offset;
        while (dst.hasRemaining()) {
            int length = Math.min(dst.remaining(), DiskRequests.MAX_READ);
            byte[] data = Base64.getDecoder().decode(call(request("read").put("unit", unit).put("offset", at)
                    .put("length", length)).path("data").asText());
            if (data.length != length) {
                throw new EngineException(ErrorCode.IO, "the owner sent " + data.length + " bytes for a read of "
                        + length);
            }
            dst.put(data);
            at += length;
        }
    }

    /**
     * Follows the owner's device events on a connection of its own, until the returned watch is closed or the
     * owner goes away. The listener runs on the watch's thread.
     */
    public DeviceWatch watch(WatchListener listener) throws IOException {
        return DeviceWatch.start(socket, listener);
    }

    static List<DeviceInfo> devices(JsonNode array) {
        List<DeviceInfo> devices = new ArrayList<>();
        array.forEach(node -> devices.add(WireFormat.device(node)));
        return devices;
    }

    private static ObjectNode request(String op) {
        return WireFormat.message().put("op", op);
    }

    /** Sends a request and returns its successful reply, or throws the owner's error. */
    private synchronized JsonNode call(ObjectNode request) throws IOException {
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(this::close, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ControlServer.send(out, request);
            return checked(readReply());
        } catch (IOException e) {
            if (!channel.isOpen() && watchdog.isDone()) {
                throw new EngineException(ErrorCode.IO, "the owner did not answer within " + timeout.toSeconds() + " s");
            }
            throw e instanceof EngineException ? e : new EngineException(ErrorCode.IO,
                    "lost the connection to the owner on " + socket + ": " + e.getMessage(), e);
        } finally {
            watchdog.cancel(false);
        }
    }

    private JsonNode readReply() throws IOException {
        BoundedLineReader.Line line = in.next();
        if (line instanceof BoundedLineReader.Text text) {
            return parse(text.text());
        }
        throw new EngineException(ErrorCode.IO, line instanceof BoundedLineReader.End
                ? "the owner closed the connection" : "the owner sent an overlong reply");
    }

    static JsonNode parse(String line) throws EngineException {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new EngineException(ErrorCode.IO, "the owner sent malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The reply itself when it says ok, else its error as an exception with the owner's code. */
    static JsonNode checked(JsonNode reply) throws EngineException {
        if (reply.path("ok").asBoolean(false)) {
            return reply;
        }
        JsonNode error = reply.path("error");
        String wire = error.path("code").asText("io");
        ErrorCode code = ErrorCode.IO;
        for (ErrorCode candidate : ErrorCode.values()) {
            if (candidate.wireName().equals(wire)) {
                code = candidate;
            }
        }
        String message = error.path("message").asText("the owner refused without saying why");
        if (error.has("holders")) {
            List<Holder> holders = new ArrayList<>();
            error.path("holders").forEach(h -> holders.add(WireFormat.holder(h)));
            throw new BusyException(message, holders, error.path("mountsOnly").asBoolean());
        }
        throw new EngineException(code, message);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
