package qcowdesk.bridge.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.DiskOpener;

/** Device hosts for tests: a raw-file opener (the real file is opened) and URIs on the runtime's NBD socket. */
final class TestHosts {

    private TestHosts() {
    }

    static DeviceHost.Options options(Path runtime, String description) {
        return new DeviceHost.Options(new RuntimeDirectory(runtime), description, RAW, UNIX_URIS);
    }

    /** Names the URIs an NBD server on the runtime's socket would serve; serves nothing itself. */
    static final ExportServer.Factory UNIX_URIS = (devices, runtime) -> new ExportServer() {
        @Override
        public String uriFor(String unit) {
            return "nbd+unix:///" + unit + "?socket=" + runtime.nbdSocket();
        }

        @Override
        public void close() {
        }
    };

    static final DiskOpener RAW = RawDisk::new;

    /** A raw file as a disk: enough for the control path, which never looks inside images. */
    private static final class RawDisk implements VirtualDisk {
        private final FileChannel channel;
        private final boolean readOnly;

        RawDisk(Path path, boolean readOnly) throws IOException {
            this.channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.readOnly = readOnly;
        }

        @Override
        public long size() {
            try {
                return channel.size();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean isReadOnly() {
            return readOnly;
        }

        @Override
        public int clusterSize() {
            return 65536;
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            channel.read(dst, offset);
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IOException {
            channel.write(src, offset);
        }

        @Override
        public void writeZeroes(long offset, long length, boolean mayDeallocate) {
        }

        @Override
        public void discard(long offset, long length) {
        }

        @Override
        public void flush() throws IOException {
            channel.force(true);
        }

        @Override
        public List<MapEntry> map(long offset, long length) {
            return List.of(new MapEntry(offset, length, 0, true, false, true, false, offset));
        }

        @Override
        public Subscription onAllocation(Consumer<AllocationEvent> listener) {
            return () -> { };
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
