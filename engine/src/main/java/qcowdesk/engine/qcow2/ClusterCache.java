package qcowdesk.engine.qcow2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded LRU cache of metadata clusters keyed by host offset. Lookups are short critical sections and loading
 * happens outside them, so concurrent readers do not wait for each other's I/O. Only clean entries are evicted
 * here; dirty ones stay until the owner writes them back (the owner alone knows the required write order).
 */
final class ClusterCache<T extends CachedCluster> {

    /** Reads a cluster from disk. */
    interface Loader<T> {
        T load(long offset) throws IOException;
    }

    private final LinkedHashMap<Long, T> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final int capacity;
    private final Loader<T> loader;
    private final AtomicInteger dirtyCount = new AtomicInteger();

    ClusterCache(int capacity, Loader<T> loader) {
        this.capacity = Math.max(2, capacity);
        this.loader = loader;
    }

    int capacity() {
        return capacity;
    }

    T get(long offset) throws IOException {
        synchronized (this) {
            T cached = entries.get(offset);
            if (cached != null) {
                return cached;
            }
        }
        T loaded = loader.load(offset);
        synchronized (this) {
            T raced = entries.get(offset);
            if (raced != null) {
                return raced;
            }
            loaded.attach(dirtyCount);
            entries.put(offset, loaded);
            evictClean(offset);
            return loaded;
        }
    }

    /** Adds a freshly created cluster (already written or marked dirty by the caller). */
    synchronized void put(T cluster) {
        cluster.attach(dirtyCount);
        entries.put(cluster.offset(), cluster);
        evictClean(cluster.offset());
    }

    synchronized List<T> dirty() {
        List<T> out = new ArrayList<>();
        for (T t : entries.values()) {
            if (t.isDirty()) {
                out.add(t);
            }
        }
        return out;
    }

    int dirtyCount() {
        return dirtyCount.get();
    }

    synchronized int size() {
        return entries.size();
    }

    /**
     * Evicts least recently used clean entries while over capacity, never {@code keep} (the entry the caller is
     * about to use). If everything else is dirty the cache stays over capacity until the owner writes back.
     */
    private void evictClean(long keep) {
        Iterator<T> it = entries.values().iterator();
        while (entries.size() > capacity && it.hasNext()) {
            T t = it.next();
            if (!t.isDirty() && t.offset() != keep) {
                it.remove();
            }
        }
    }

    /** Drops clean entries beyond capacity (after the owner wrote dirty ones back). */
    synchronized void trim() {
        evictClean(-1);
    }
}
