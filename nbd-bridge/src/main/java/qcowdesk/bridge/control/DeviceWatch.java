package qcowdesk.bridge.control;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import qcowdesk.bridge.mount.MountEvent;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceEvent;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.support.DaemonThreads;
import qcowdesk.bridge.nbd.wire.ChannelStreams;

/**
 * A live subscription to a remote owner's device events: the devices at the start, then each change as it
 * happens (the owner sends it at once, so a front end sees remote attaches and detaches well within a second).
 */
public final class DeviceWatch implements AutoCloseable {

    private final SocketChannel channel;
    private final List<DeviceInfo> initialDevices;
    private volatile boolean closing;

    private DeviceWatch(SocketChannel channel, List<DeviceInfo> initialDevices) {
        this.channel = channel;
        this.initialDevices = initialDevices;
    }

    static DeviceWatch start(Path socket, WatchListener listener) throws IOException {
        SocketChannel channel = ControlClient.open(socket);
        try {
            ControlServer.send(ChannelStreams.out(channel), WireFormat.message().put("op", "watch"));
            BoundedLineReader in = new BoundedLineReader(ChannelStreams.in(channel), 16 * 1024 * 1024);
            BoundedLineReader.Line first = in.next();
            if (!(first instanceof BoundedLineReader.Text text)) {
                throw new EngineException(ErrorCode.IO, "the owner closed the watch before answering");
            }
            JsonNode reply = ControlClient.checked(ControlClient.parse(text.text()));
            DeviceWatch watch = new DeviceWatch(channel, List.copyOf(ControlClient.devices(reply.path("devices"))));
            DaemonThreads.start("qcowdesk-device-watch", () -> watch.pump(in, listener));
            return watch;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The devices when the watch started; later events may repeat some of them. */
    public List<DeviceInfo> initialDevices() {
        return initialDevices;
    }

    private void pump(BoundedLineReader in, WatchListener listener) {
        IOException cause = null;
        try {
            BoundedLineReader.Line line;
            while ((line = in.next()) instanceof BoundedLineReader.Text text) {
                JsonNode node = ControlClient.parse(text.text());
                if ("overflow".equals(node.path("event").asText())) {
                    listener.overflow();
                    continue;
                }
                String kind = node.path("event").asText();
                if (kind.equals("mounted") || kind.equals("unmounted")) {
                    listener.mountChanged(new MountEvent(kind.equals("mounted"), WireFormat.mount(node.path("mount"))));
                    continue;
                }
                DeviceEvent event = WireFormat.event(node);
                if (event != null) {
                    listener.event(event);
                }
            }
            if (!closing) {
                cause = new EngineException(ErrorCode.IO, "the owner closed the device watch");
            }
        } catch (IOException e) {
            cause = closing ? null : e;
        } finally {
            listener.ended(cause);
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
