package qcowdesk.engine.qcow2.format;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.util.EnumMap;
import java.util.Map;

/**
 * What {@link EntryClassifier#classify} found: the (sub)cluster type, or the rule the entry breaks. The runtime
 * lookup throws on a violation ({@link #orThrow}); the checker reports it ({@link #violation}).
 *
 * @param type      the type, or null on a violation
 * @param violation why the entry is invalid, or null
 */
public record Classification(SubclusterType type, String violation) {

    private static final Map<SubclusterType, Classification> OF_TYPE = new EnumMap<>(SubclusterType.class);

    static {
        for (SubclusterType t : SubclusterType.values()) {
            OF_TYPE.put(t, new Classification(t, null));
        }
    }

    static Classification of(SubclusterType type) {
        return OF_TYPE.get(type);
    }

    static Classification violated(String why) {
        return new Classification(null, why);
    }

    public boolean isViolation() {
        return violation != null;
    }

    /** The type; a violation becomes an INVALID_IMAGE error naming the entry and the guest cluster. */
    public SubclusterType orThrow(long guestCluster, long entry) throws EngineException {
        if (violation != null) {
            throw new EngineException(ErrorCode.INVALID_IMAGE, String.format(
                    "invalid L2 entry 0x%016x for guest offset cluster %d: %s", entry, guestCluster, violation));
        }
        return type;
    }
}
