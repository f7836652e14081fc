package qcowdesk.engine.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A disk with a volatile write-back cache, for power-loss tests of a server in a process of its own: the image's
 * durable content lives in {@code IMAGE.durable}, which only a sync of the image brings up to date; every write
 * since the last sync is kept in {@code IMAGE.journal} until then. A SIGKILL of the process at any instant
 * leaves both files behind, and {@link JournalReplay} makes from them what a power cut at that instant could
 * leave on the disk (all unsynced writes lost, or any subset of them reached the platter).
 *
 * <p>The page cache survives a SIGKILL, so a kill alone never loses a write: this tap is what makes a missing
 * fsync visible.
 */
public final class WriteBackJournal implements ImageFile.WriteTap {

    /** Journal record kinds. */
    public static final byte WRITE = 1;
    public static final byte SYNC = 2;

    private final Map<Path, Entry> images = new HashMap<>();

    private WriteBackJournal() {
    }

    /**
     * Starts journaling writes to {@code images} (absolute paths, not yet opened): their current content becomes
     * the durable content. Installs the tap for the whole process.
     */
    public static void install(Iterable<Path> images) throws IOException {
        WriteBackJournal journal = new WriteBackJournal();
        for (Path image : images) {
            Path durable = durableOf(image);
            Files.copy(image, durable, StandardCopyOption.REPLACE_EXISTING);
            FileChannel log = FileChannel.open(journalOf(image), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            journal.images.put(image.toAbsolutePath(), new Entry(durable, log));
        }
        ImageFile.tap = journal;
    }

    public static Path durableOf(Path image) {
        return image.resolveSibling(image.getFileName() + ".durable");
    }

    public static Path journalOf(Path image) {
        return image.resolveSibling(image.getFileName() + ".journal");
    }

    @Override
    public void afterWrite(ImageFile file, long position, ByteBuffer data) throws IOException {
        Entry entry = images.get(file.path().toAbsolutePath());
        if (entry == null) {
            return; // a backing file or a file we were not asked to watch
        }
        ByteBuffer record = ByteBuffer.allocate(13 + data.remaining());
        record.put(WRITE).putLong(position).putInt(data.remaining()).put(data).flip();
        synchronized (entry) {
            // One write call per record: a kill lands between records, never inside one the reader must trust.
            entry.log.write(record, entry.log.size());
        }
    }

    @Override
    public void afterSync(ImageFile file) throws IOException {
        Entry entry = images.get(file.path().toAbsolutePath());
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            // The marker first: a kill while the durable file is being brought up to date leaves a journal that
            // says its writes up to the marker are durable, and the replay finishes the job.
            entry.log.write(ByteBuffer.allocate(1).put(SYNC).flip(), entry.log.size());
            JournalReplay.applyAll(entry.log, entry.durable);
            entry.log.truncate(0);
        }
    }

    private record Entry(Path durable, FileChannel log) {
    }
}
