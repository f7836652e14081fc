package qcowdesk.app.growth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The samples behind the growth chart: a bounded window of the most recent ones, so a device watched for
 * days costs what one watched for minutes.
 */
public final class GrowthModel {

    /** Samples kept: 10 minutes at two samples a second. */
    public static final int DEFAULT_CAPACITY = 1200;

    private final int capacity;
    private final Deque<GrowthSample> samples = new ArrayDeque<>();

    public GrowthModel(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("a growth chart needs room for at least 2 samples, not " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds a sample; returns the one that fell out of the window, or null. */
    public GrowthSample add(GrowthSample sample) {
        samples.addLast(sample);
        return samples.size() > capacity ? samples.removeFirst() : null;
    }

    public List<GrowthSample> samples() {
        return List.copyOf(samples);
    }

    public GrowthSample latest() {
        return samples.peekLast();
    }

    /** Bytes the file grew between the oldest and newest sample kept. */
    public long fileGrowth() {
        return samples.isEmpty() ? 0 : samples.getLast().fileSize() - samples.getFirst().fileSize();
    }

    /** Clusters allocated between the oldest and newest sample kept. */
    public long clusterGrowth() {
        return samples.isEmpty() ? 0 : samples.getLast().allocatedClusters() - samples.getFirst().allocatedClusters();
    }

    public void clear() {
        samples.clear();
    }
}
