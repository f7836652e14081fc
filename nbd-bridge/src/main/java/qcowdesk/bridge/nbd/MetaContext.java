package qcowdesk.bridge.nbd;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import qcowdesk.engine.MapEntry;

/**
 * The metadata contexts this server offers for NBD_CMD_BLOCK_STATUS. Context ids are fixed per context (the
 * protocol only requires them to be unique within a connection).
 */
enum MetaContext {
    /** The standard context: bit 0 HOLE (no storage behind the range), bit 1 ZERO (reads as zeros). */
    BASE_ALLOCATION("base:allocation", 1) {
        @Override
        int flagsOf(MapEntry entry) {
            // A range with no storage at all (never written, or a zero cluster without a preallocated host
            // cluster) is a hole. Reporting ZERO without HOLE for never-written space would make clients such
            // as nbdcopy copy it as if it held data.
            boolean storage = entry.data() || entry.hostOffset() != MapEntry.NO_OFFSET;
            return (storage ? 0 : STATE_HOLE) | (entry.zero() ? STATE_ZERO : 0);
        }

        @Override
        int combine(int a, int b) {
            // a block is a hole only if all of it is, reads as zeros only if all of it does
            return a & b;
        }
    },
    /** QEMU's context: 0 unallocated in the whole chain, 1 this image, 2 its backing file, and so on. */
    ALLOCATION_DEPTH("qemu:allocation-depth", 2) {
        @Override
        int flagsOf(MapEntry entry) {
            return entry.present() ? entry.depth() + 1 : 0;
        }

        @Override
        int combine(int a, int b) {
            // a block partly allocated is allocated, at the nearest layer that provides any of it
            return a == 0 ? b : b == 0 ? a : Math.min(a, b);
        }
    };

    static final int STATE_HOLE = 1;
    static final int STATE_ZERO = 2;

    private final String contextName;
    private final int id;

    MetaContext(String contextName, int id) {
        this.contextName = contextName;
        this.id = id;
    }

    String contextName() {
        return contextName;
    }

    int id() {
        return id;
    }

    /** The 32-bit status value this context reports for one map extent. */
    abstract int flagsOf(MapEntry entry);

    /** The status of a block made of parts with statuses {@code a} and {@code b} (see {@link AlignedExtents}). */
    abstract int combine(int a, int b);

    /**
     * The contexts a list of queries selects. An exact name selects that context; when {@code allowNamespace}
     * (NBD_OPT_LIST_META_CONTEXT) a bare namespace such as {@code base:} selects all of its contexts, and an
     * empty query list selects everything. Queries for namespaces we do not know select nothing.
     */
    static List<MetaContext> select(List<String> queries, boolean allowNamespace) {
        if (queries.isEmpty()) {
            return allowNamespace ? List.of(values()) : List.of();
        }
        Set<MetaContext> selected = new LinkedHashSet<>();
        for (String query : queries) {
            for (MetaContext context : values()) {
                if (context.contextName.equals(query)
                        || allowNamespace && query.endsWith(":") && context.contextName.startsWith(query)) {
                    selected.add(context);
                }
            }
        }
        return new ArrayList<>(selected);
    }
}
