package qcowdesk.cli.format;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import qcowdesk.engine.qcow2.tools.ImageInfo;

/**
 * {@link ImageInfo} as the object {@code qemu-img info} describes: its members in qemu's order, each absent one
 * left out, values as String, Long, Integer, Boolean, List or Map. Both forms of {@code qcowctl info} are made from
 * it ({@link InfoText}, {@link QemuJsonWriter}) without Jackson's data binding, whose set-up was most of the
 * command's run time; {@code InfoTreeTest} holds it equal to the record's Jackson serialisation (its annotations
 * name the same members in the same order, for the app and the control socket).
 */
public final class InfoTree {

    private InfoTree() {
    }

    public static Map<String, Object> of(ImageInfo info) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("virtual-size", info.virtualSize());
        tree.put("filename", info.filename());
        put(tree, "cluster-size", info.clusterSize());
        tree.put("format", info.format());
        tree.put("actual-size", info.actualSize());
        if (info.formatSpecific() != null) {
            Map<String, Object> specific = new LinkedHashMap<>();
            specific.put("type", info.formatSpecific().type());
            specific.put("data", info.formatSpecific().data() == null ? null : qcow2(info.formatSpecific().data()));
            tree.put("format-specific", specific);
        }
        put(tree, "backing-filename", info.backingFilename());
        put(tree, "backing-filename-format", info.backingFilenameFormat());
        put(tree, "full-backing-filename", info.fullBackingFilename());
        tree.put("dirty-flag", info.dirtyFlag());
        if (info.snapshots() != null) {
            List<Object> snapshots = new ArrayList<>();
            for (ImageInfo.SnapshotInfo snapshot : info.snapshots()) {
                snapshots.add(snapshot(snapshot));
            }
            tree.put("snapshots", snapshots);
        }
        return tree;
    }

    private static Map<String, Object> qcow2(ImageInfo.Qcow2Data data) {
        Map<String, Object> tree = new LinkedHashMap<>();
        put(tree, "compat", data.compat());
        put(tree, "compression-type", data.compressionType());
        put(tree, "lazy-refcounts", data.lazyRefcounts());
        if (data.bitmaps() != null) {
            List<Object> bitmaps = new ArrayList<>();
            for (ImageInfo.BitmapInfo bitmap : data.bitmaps()) {
                // BitmapInfo keeps nulls (no NON_NULL inclusion), as its members are never absent in qemu
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("flags", bitmap.flags() == null ? null : new ArrayList<Object>(bitmap.flags()));
                entry.put("name", bitmap.name());
                entry.put("granularity", bitmap.granularity());
                bitmaps.add(entry);
            }
            tree.put("bitmaps", bitmaps);
        }
        tree.put("refcount-bits", data.refcountBits());
        put(tree, "data-file", data.dataFile());
        put(tree, "data-file-raw", data.dataFileRaw());
        put(tree, "corrupt", data.corrupt());
        put(tree, "extended-l2", data.extendedL2());
        return tree;
    }

    private static Map<String, Object> snapshot(ImageInfo.SnapshotInfo snapshot) {
        Map<String, Object> tree = new LinkedHashMap<>();
        put(tree, "id", snapshot.id());
        put(tree, "name", snapshot.name());
        tree.put("date-sec", snapshot.dateSec());
        tree.put("date-nsec", snapshot.dateNsec());
        tree.put("vm-clock-sec", snapshot.vmClockSec());
        tree.put("vm-clock-nsec", snapshot.vmClockNsec());
        tree.put("vm-state-size", snapshot.vmStateSize());
        put(tree, "icount", snapshot.icount());
        return tree;
    }

    /** A member qemu leaves out when it has no value (the records' {@code NON_NULL} inclusion). */
    private static void put(Map<String, Object> tree, String name, Object value) {
        if (value != null) {
            tree.put(name, value);
        }
    }
}
