package qcowdesk.bridge.nbd;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each 512-byte sector of a disk may hold after a power cut, from the requests clients sent and the replies
 * they got: every write acknowledged before the start of an acknowledged FLUSH (on any connection: the
 * multi-conn promise), or acknowledged with FUA, must be there or have been overwritten by a later request.
 * Each sector is written by one connection at a time, so its requests form one history.
 */
final class SectorHistory {

    static final int SECTOR = 512;

    enum Kind { INITIAL, DATA, ZERO, TRIM }

    /** One request, as seen by every sector it covers. */
    static final class Version {
        final Kind kind;
        final long id;
        volatile long ackTick = Long.MAX_VALUE;
        volatile boolean fua;

        Version(Kind kind, long id) {
            this.kind = kind;
            this.id = id;
        }

        boolean acked() {
            return ackTick != Long.MAX_VALUE;
        }

        @Override
        public String toString() {
            return kind + "#" + id + (acked() ? "@" + ackTick : "(unacked)") + (fua ? "+FUA" : "");
        }
    }

    private final boolean backed;
    private final List<List<Version>> sectors = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1);
    private final AtomicLong ids = new AtomicLong(1);
    private long durableBefore;
    private long flushesAcked;

    SectorHistory(long diskBytes, boolean backed) {
        this.backed = backed;
        Version initial = new Version(Kind.INITIAL, 0);
        initial.ackTick = 0;
        for (long s = 0; s < diskBytes / SECTOR; s++) {
            List<Version> history = new ArrayList<>();
            history.add(initial);
            sectors.add(history);
        }
    }

    /** Records a request about to be sent for sectors [first, first + count). */
    synchronized Version issue(int first, int count, Kind kind) {
        Version v = new Version(kind, ids.getAndIncrement());
        for (int s = first; s < first + count; s++) {
            sectors.get(s).add(v);
        }
        return v;
    }

    void acked(Version v, boolean fua) {
        v.fua = fua;
        v.ackTick = clock.incrementAndGet();
    }

    long flushStarts() {
        return clock.incrementAndGet();
    }

    synchronized void flushAcked(long startTick) {
        durableBefore = Math.max(durableBefore, startTick);
        flushesAcked++;
    }

    synchronized long flushesAcked() {
        return flushesAcked;
    }

    /** The bytes of {@code v} in {@code sector} (DATA: a pattern naming the request and the sector). */
    byte[] expected(Version v, int sector) {
        return switch (v.kind) {
            case INITIAL -> backed ? pattern(-1, sector) : new byte[SECTOR];
            case DATA -> pattern(v.id, sector);
            case ZERO -> new byte[SECTOR];
            case TRIM -> throw new IllegalStateException("a trimmed sector has no defined content");
        };
    }

    static byte[] pattern(long id, int sector) {
        ByteBuffer b = ByteBuffer.allocate(SECTOR).putLong(id).putLong(sector);
        long x = id * 1_000_003L ^ sector;
        while (b.hasRemaining()) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            b.putLong(x);
        }
        return b.array();
    }

    /**
     * Checks a crash state's guest content ({@code raw}, the whole disk). Returns the number of sectors whose
     * content was pinned by a FLUSH or FUA (the ones a lost write would fail); throws naming the first sector that
     * holds what no allowed request could have left there.
     */
    synchronized int verify(byte[] raw, String label) {
        int pinned = 0;
        for (int s = 0; s < sectors.size(); s++) {
            List<Version> history = sectors.get(s);
            int from = 0;
            for (int i = 0; i < history.size(); i++) {
                Version v = history.get(i);
                if (v.acked() && (v.ackTick < durableBefore || v.fua)) {
                    from = i;
                }
            }
            List<Version> allowed = history.subList(from, history.size());
            if (from > 0) {
                pinned++;
            }
            if (allowed.stream().anyMatch(v -> v.kind == Kind.TRIM)) {
                continue; // reads after a trim are unspecified until the next write
            }
            byte[] found = Arrays.copyOfRange(raw, s * SECTOR, (s + 1) * SECTOR);
            int sector = s;
            if (allowed.stream().noneMatch(v -> Arrays.equals(expected(v, sector), found))) {
                ByteBuffer head = ByteBuffer.wrap(found);
                throw new AssertionError(label + ": sector " + s + " holds "
                        + (isZero(found) ? "zeros" : "request #" + head.getLong() + " for sector " + head.getLong())
                        + ", but only these may be there after a crash: " + allowed
                        + " (writes acknowledged before tick " + durableBefore + " were flushed)");
            }
        }
        return pinned;
    }

    private static boolean isZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
