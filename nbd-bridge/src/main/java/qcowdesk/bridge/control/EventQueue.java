package qcowdesk.bridge.control;

import java.util.ArrayDeque;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The events waiting to be written to one watcher. Bounded: when a watcher falls this far behind (a burst of
 * allocations, a stalled reader), its backlog is replaced by one {@code overflow} event telling it to list again,
 * so a slow client costs neither memory nor the engine's time.
 */
final class EventQueue {

    static final int CAPACITY = 4096;

    private final ArrayDeque<ObjectNode> events = new ArrayDeque<>();
    private boolean stopped;

    synchronized void offer(ObjectNode event) {
        if (stopped) {
            return;
        }
        if (events.size() >= CAPACITY) {
            events.clear();
            events.add(WireFormat.message().put("event", "overflow")
                    .put("message", "events were dropped; list the devices again"));
        }
        events.add(event);
        notifyAll();
    }

    /** The next event, waiting for one; null once stopped. */
    synchronized ObjectNode take() throws InterruptedException {
        while (events.isEmpty() && !stopped) {
            wait();
        }
        return stopped ? null : events.poll();
    }

    synchronized void stop() {
        stopped = true;
        notifyAll();
    }
}
