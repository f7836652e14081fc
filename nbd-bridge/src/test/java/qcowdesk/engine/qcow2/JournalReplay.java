package qcowdesk.engine.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Reads a {@link WriteBackJournal} and builds crash states from it. */
public final class JournalReplay {

    private JournalReplay() {
    }

    /** One journaled write. */
    record Write(long position, byte[] data) {
    }

    /** The writes of a journal: those up to its last SYNC marker are durable, the rest are not. */
    record Journal(List<Write> durable, List<Write> pending) {
    }

    static Journal read(FileChannel log) throws IOException {
        List<Write> all = new ArrayList<>();
        int synced = 0;
        long at = 0;
        long size = log.size();
        ByteBuffer header = ByteBuffer.allocate(13);
        while (at < size) {
            header.clear().limit(1);
            log.read(header, at);
            byte kind = header.get(0);
            if (kind == WriteBackJournal.SYNC) {
                synced = all.size();
                at += 1;
                continue;
            }
            if (kind != WriteBackJournal.WRITE || at + 13 > size) {
                break; // a record cut short by the kill: its write was never acknowledged
            }
            header.clear();
            log.read(header, at);
            long position = header.getLong(1);
            int length = header.getInt(9);
            if (at + 13 + length > size) {
                break;
            }
            ByteBuffer data = ByteBuffer.allocate(length);
            log.read(data, at + 13);
            all.add(new Write(position, data.array()));
            at += 13 + length;
        }
        return new Journal(List.copyOf(all.subList(0, synced)), List.copyOf(all.subList(synced, all.size())));
    }

    static void applyAll(FileChannel log, Path durable) throws IOException {
        List<Write> writes = new ArrayList<>(read(log).durable());
        try (FileChannel out = FileChannel.open(durable, StandardOpenOption.WRITE)) {
            apply(out, writes);
        }
    }

    private static void apply(FileChannel out, List<Write> writes) throws IOException {
        for (Write w : writes) {
            ByteBuffer src = ByteBuffer.wrap(w.data());
            long at = w.position();
            while (src.hasRemaining()) {
                at += out.write(src, at);
            }
        }
    }

    /**
     * Writes to {@code state} what a power cut could leave of {@code image} after its server was killed: the
     * durable content, then each unsynced write kept with probability {@code keep} (0: all lost). Returns the
     * number of unsynced writes the journal held.
     */
    public static int crashState(Path image, Path state, Random random, double keep) throws IOException {
        Files.copy(WriteBackJournal.durableOf(image), state, StandardCopyOption.REPLACE_EXISTING);
        Journal journal;
        try (FileChannel log = FileChannel.open(WriteBackJournal.journalOf(image), StandardOpenOption.READ)) {
            journal = read(log);
        }
        List<Write> writes = new ArrayList<>(journal.durable());
        for (Write w : journal.pending()) {
            if (random.nextDouble() < keep) {
                writes.add(w);
            }
        }
        try (FileChannel out = FileChannel.open(state, StandardOpenOption.WRITE)) {
            apply(out, writes);
        }
        return journal.pending().size();
    }
}
