package qcowdesk.engine.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A write tap that keeps what a power cut would leave of one image file: its content as of the last sync, and the
 * writes issued since, which may reach the disk in any order and some not at all. Subclasses decide when to cut.
 */
abstract class PowerCutTap implements ImageFile.WriteTap {

    private final Path img;
    private final Random random;
    private final List<Object[]> unsynced = new ArrayList<>(); // {position, bytes}
    private byte[] synced;

    PowerCutTap(Path img, Random random) throws IOException {
        this.img = img;
        this.random = random;
        this.synced = Files.readAllBytes(img);
    }

    /** Called after each write to the image, once it is recorded. */
    abstract void written() throws IOException;

    /** Called as a sync of the image returns, before the writes it covered count as durable. */
    void syncing() throws IOException {
    }

    @Override
    public final void afterWrite(ImageFile file, long position, ByteBuffer data) throws IOException {
        if (!file.path().equals(img)) {
            return;
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        unsynced.add(new Object[]{position, bytes});
        written();
    }

    @Override
    public final void afterSync(ImageFile file) throws IOException {
        if (file.path().equals(img)) {
            syncing();
            synced = Files.readAllBytes(img);
            unsynced.clear();
        }
    }

    /** Writes one crash state to the new file {@code state}: the synced content and a random subset of the rest. */
    Path cut(Path state) throws IOException {
        try (FileChannel ch = FileChannel.open(state, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(synced), 0);
            for (Object[] w : unsynced) {
                if (random.nextBoolean()) {
                    ch.write(ByteBuffer.wrap((byte[]) w[1]), (Long) w[0]);
                }
            }
        }
        return state;
    }
}
