package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.SnapshotTableReader;
import qcowdesk.engine.qcow2.HeaderFile;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SnapshotTable;
import qcowdesk.engine.qcow2.BitmapDirectoryReader;
import qcowdesk.engine.qcow2.format.BitmapDirectory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.InspectionChannel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code qemu-img info --output=json} reports about a QCOW2 image, with the same JSON names; serialise it
 * with any Jackson {@code ObjectMapper}. Fields qemu-img leaves out are null here and left out of the JSON too.
 *
 * @param filename            the path as given, like qemu-img prints it
 * @param actualSize          bytes the file occupies on disk (st_blocks * 512)
 * @param clusterSize         null for a raw file, which has no clusters (qemu-img leaves the field out)
 * @param fullBackingFilename the backing file name resolved against the image's directory, as qemu does
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"virtual-size", "filename", "cluster-size", "format", "actual-size", "format-specific",
        "backing-filename", "backing-filename-format", "full-backing-filename", "dirty-flag", "snapshots"})
public record ImageInfo(
        @JsonProperty("virtual-size") long virtualSize,
        @JsonProperty("filename") String filename,
        @JsonProperty("format") String format,
        @JsonProperty("actual-size") long actualSize,
        @JsonProperty("cluster-size") Integer clusterSize,
        @JsonProperty("dirty-flag") boolean dirtyFlag,
        @JsonProperty("backing-filename") String backingFilename,
        @JsonProperty("backing-filename-format") String backingFilenameFormat,
        @JsonProperty("full-backing-filename") String fullBackingFilename,
        @JsonProperty("format-specific") FormatSpecific formatSpecific,
        @JsonProperty("snapshots") List<SnapshotInfo> snapshots) {

    /** An internal snapshot, as in qemu-img info's {@code "snapshots"} list; {@code icount} null when unrecorded. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SnapshotInfo(
            @JsonProperty("id") String id,
            @JsonProperty("name") String name,
            @JsonProperty("date-sec") long dateSec,
            @JsonProperty("date-nsec") long dateNsec,
            @JsonProperty("vm-clock-sec") long vmClockSec,
            @JsonProperty("vm-clock-nsec") long vmClockNsec,
            @JsonProperty("vm-state-size") long vmStateSize,
            @JsonProperty("icount") Long icount) {
    }

    /** A persistent dirty bitmap: flags ("in-use", "auto"), name and granularity in bytes. */
    public record BitmapInfo(
            @JsonProperty("flags") List<String> flags,
            @JsonProperty("name") String name,
            @JsonProperty("granularity") long granularity) {
    }

    /** {@code "format-specific": {"type": "qcow2", "data": {...}}}. */
    public record FormatSpecific(@JsonProperty("type") String type, @JsonProperty("data") Qcow2Data data) {
    }

    /**
     * The qcow2 part. Version 2 images have no lazy refcounts, corrupt bit or extended L2, so those are null for
     * them, as qemu-img omits them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"compat", "compression-type", "lazy-refcounts", "bitmaps", "refcount-bits", "data-file", "data-file-raw",
            "corrupt", "extended-l2"})
    public record Qcow2Data(
            @JsonProperty("compat") String compat,
            @JsonProperty("compression-type") String compressionType,
            @JsonProperty("lazy-refcounts") Boolean lazyRefcounts,
            @JsonProperty("refcount-bits") int refcountBits,
            @JsonProperty("corrupt") Boolean corrupt,
            @JsonProperty("extended-l2") Boolean extendedL2,
            @JsonProperty("data-file") String dataFile,
            @JsonProperty("data-file-raw") Boolean dataFileRaw,
            @JsonProperty("bitmaps") List<BitmapInfo> bitmaps) {
    }

    /** Reads the header of the image at {@code path} (opened read-only) and describes it. */
    public static ImageInfo of(Path path) throws EngineException {
        try (InspectionChannel file = InspectionChannel.open(path, false)) {
            Qcow2Header header = HeaderFile.read(file.channel());
            List<SnapshotTable.Snapshot> snapshots = SnapshotTableReader.read(file.channel(), header).entries();
            List<BitmapDirectory.Entry> bitmaps = BitmapDirectoryReader.read(file.channel(), header).entries();
            return of(path, header, AllocatedSize.of(path), snapshots, bitmaps);
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * What qemu-img info says of a raw file: its size is the guest's size, and nothing else is known. Used for
     * inputs only (convert reads raw files too): a file is called raw because it lacks the QCOW2 magic.
     */
    public static ImageInfo ofRaw(Path path) throws EngineException {
        long size;
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            size = file.size();
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot read " + path + ": " + e.getMessage(), e);
        }
        return new ImageInfo(size, path.toString(), "raw", AllocatedSize.of(path), null, false, null, null, null,
                null, null);
    }

    static ImageInfo of(Path path, Qcow2Header header, long actualSize, List<SnapshotTable.Snapshot> snapshots,
                        List<BitmapDirectory.Entry> bitmaps) {
        boolean v3 = header.version() == 3;
        Qcow2Data data = new Qcow2Data(
                v3 ? "1.1" : "0.10",
                header.compressionType() == Qcow2Header.COMPRESSION_ZSTD ? "zstd" : "zlib",
                v3 ? header.lazyRefcounts() : null,
                header.refcountBits(),
                v3 ? header.isCorrupt() : null,
                v3 ? header.hasExtendedL2() : null,
                header.dataFile().orElse(null),
                header.dataFile().isPresent() ? header.dataFileRaw() : null,
                bitmaps.isEmpty() ? null : bitmaps.stream().map(ImageInfo::bitmapInfo).toList());
        String backing = header.hasBackingFile() ? header.backingFile() : null;
        return new ImageInfo(header.size(), path.toString(), "qcow2", actualSize, header.clusterSize(),
                header.isDirty(), backing, backing == null ? null : header.backingFormat().orElse(null),
                backing == null ? null : resolveAgainst(path.toString(), backing),
                new FormatSpecific("qcow2", data),
                snapshots.isEmpty() ? null : snapshots.stream().map(ImageInfo::snapshotInfo).toList());
    }

    private static SnapshotInfo snapshotInfo(SnapshotTable.Snapshot s) {
        long nanosPerSecond = 1_000_000_000L;
        return new SnapshotInfo(s.id(), s.name(), s.dateSec(), s.dateNsec(), s.vmClockNsec() / nanosPerSecond,
                s.vmClockNsec() % nanosPerSecond, s.vmStateSize(), s.icount() == -1 ? null : s.icount());
    }

    private static BitmapInfo bitmapInfo(BitmapDirectory.Entry b) {
        List<String> flags = new ArrayList<>();
        if ((b.flags() & BitmapDirectory.FLAG_IN_USE) != 0) {
            flags.add("in-use");
        }
        if ((b.flags() & BitmapDirectory.FLAG_AUTO) != 0) {
            flags.add("auto");
        }
        return new BitmapInfo(flags, b.name(), 1L << Math.min(63, b.granularityBits()));
    }

    /** QEMU's path_combine: a relative backing name is relative to the directory of the image's name. */
    static String resolveAgainst(String imageName, String backing) {
        if (backing.startsWith("/") || backing.contains("://")) {
            return backing;
        }
        int slash = imageName.lastIndexOf('/');
        return slash < 0 ? backing : imageName.substring(0, slash + 1) + backing;
    }
}
