package qcowdesk.bridge.holders;

import java.util.List;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/** A refused detach that says what holds the device, and whether unmounting would release it. */
public final class BusyException extends EngineException {

    private final transient List<Holder> holders;
    private final boolean mountsOnly;

    public BusyException(String message, List<Holder> holders, boolean mountsOnly) {
        super(ErrorCode.BUSY, message);
        this.holders = List.copyOf(holders);
        this.mountsOnly = mountsOnly;
    }

    public List<Holder> holders() {
        return holders;
    }

    /** True when every holder goes away with an unmount: "unmount and detach" will succeed. */
    public boolean mountsOnly() {
        return mountsOnly;
    }
}
