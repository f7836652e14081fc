package qcowdesk.engine.qcow2;

/** A compact set of non-zero longs (open addressing), for the host offsets of metadata clusters. */
final class LongSet {

    private long[] slots = new long[64];
    private int size;

    boolean contains(long value) {
        long[] s = slots;
        int mask = s.length - 1;
        for (int i = hash(value) & mask; ; i = (i + 1) & mask) {
            if (s[i] == value) {
                return true;
            }
            if (s[i] == 0) {
                return false;
            }
        }
    }

    void add(long value) {
        if (value == 0 || contains(value)) {
            return;
        }
        if ((size + 1) * 2 > slots.length) {
            long[] old = slots;
            long[] grown = new long[old.length * 2];
            for (long v : old) {
                if (v != 0) {
                    insert(grown, v);
                }
            }
            slots = grown;
        }
        insert(slots, value);
        size++;
    }

    int size() {
        return size;
    }

    /** The members, in no particular order. */
    long[] toArray() {
        long[] out = new long[size];
        int n = 0;
        for (long v : slots) {
            if (v != 0) {
                out[n++] = v;
            }
        }
        return out;
    }

    private static void insert(long[] s, long value) {
        int mask = s.length - 1;
        int i = hash(value) & mask;
        while (s[i] != 0) {
            i = (i + 1) & mask;
        }
        s[i] = value;
    }

    private static int hash(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
