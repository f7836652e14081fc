package qcowdesk.engine.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.VirtualDisk;

/** What every test disk shares: allocation listeners, and a way to tell them clusters were allocated. */
public abstract class FakeDisk implements VirtualDisk {

    private final List<Consumer<AllocationEvent>> listeners = new CopyOnWriteArrayList<>();

    /** Tells the listeners, as a write to a QCOW2 image that allocates clusters would. */
    public void announce(AllocationEvent event) {
        listeners.forEach(listener -> listener.accept(event));
    }

    @Override
    public Subscription onAllocation(Consumer<AllocationEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
