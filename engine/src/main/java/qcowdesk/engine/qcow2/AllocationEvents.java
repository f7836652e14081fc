package qcowdesk.engine.qcow2;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.VirtualDisk;

import qcowdesk.engine.support.Log;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Allocation listeners and the batching of events: one operation collects its (merged) ranges and publishes them
 * once, outside the metadata lock. Without listeners nothing is collected. A listener that throws does not fail
 * the guest's write; its first failure is logged (once per listener, so a broken listener cannot flood the log).
 */
final class AllocationEvents {

    private static final Log LOG = Log.of(AllocationEvents.class);

    private final List<Consumer<AllocationEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Set<Consumer<AllocationEvent>> failed = ConcurrentHashMap.newKeySet();

    VirtualDisk.Subscription subscribe(Consumer<AllocationEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    boolean active() {
        return !listeners.isEmpty();
    }

    /** Collects the events of one operation. */
    final class Batch {
        private final List<long[]> ranges = new ArrayList<>(); // {start, length, allocated?1:0}

        void add(long guestOffset, long length, boolean allocated) {
            if (!active()) {
                return;
            }
            if (!ranges.isEmpty()) {
                long[] last = ranges.get(ranges.size() - 1);
                if (last[0] + last[1] == guestOffset && (last[2] == 1) == allocated) {
                    last[1] += length;
                    return;
                }
            }
            ranges.add(new long[]{guestOffset, length, allocated ? 1 : 0});
        }

        void publish(long fileSize) {
            for (long[] r : ranges) {
                AllocationEvent event = new AllocationEvent(r[0], r[1], r[2] == 1, fileSize);
                for (Consumer<AllocationEvent> l : listeners) {
                    try {
                        l.accept(event);
                    } catch (RuntimeException e) {
                        if (failed.add(l)) {
                            LOG.warn("an allocation listener failed (further failures of it are not logged): "
                                    + l, e);
                        }
                    }
                }
            }
            ranges.clear();
        }

        boolean isEmpty() {
            return ranges.isEmpty();
        }
    }

    Batch batch() {
        return new Batch();
    }
}
