package qcowdesk.engine.qcow2.tools;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.InspectionChannel;
import qcowdesk.engine.qcow2.Qcow2Header;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code qemu-img info --output=json} reports about a QCOW2 image, with the same JSON names; serialise it
 * with any Jackson {@code ObjectMapper}. Fields qemu-img leaves out are null here and left out of the JSON too.
 *
 * @param filename            the path as given, like qemu-img prints it
 * @param actualSize          bytes the file occupies on disk (st_blocks * 512)
 * @param fullBackingFilename the backing file name resolved against the image's directory, as qemu does
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"virtual-size", "filename", "cluster-size", "format", "actual-size", "format-specific",
        "backing-filename", "backing-filename-format", "full-backing-filename", "dirty-flag"})
public record ImageInfo(
        @JsonProperty("virtual-size") long virtualSize,
        @JsonProperty("filename") String filename,
        @JsonProperty("format") String format,
        @JsonProperty("actual-size") long actualSize,
        @JsonProperty("cluster-size") int clusterSize,
        @JsonProperty("dirty-flag") boolean dirtyFlag,
        @JsonProperty("backing-filename") String backingFilename,
        @JsonProperty("backing-filename-format") String backingFilenameFormat,
        @JsonProperty("full-backing-filename") String fullBackingFilename,
        @JsonProperty("format-specific") FormatSpecific formatSpecific) {

    /** {@code "format-specific": {"type": "qcow2", "data": {...}}}. */
    public record FormatSpecific(@JsonProperty("type") String type, @JsonProperty("data") Qcow2Data data) {
    }

    /**
     * The qcow2 part. Version 2 images have no lazy refcounts, corrupt bit or extended L2, so those are null for
     * them, as qemu-img omits them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"compat", "compression-type", "lazy-refcounts", "refcount-bits", "data-file", "data-file-raw",
            "corrupt", "extended-l2"})
    public record Qcow2Data(
            @JsonProperty("compat") String compat,
            @JsonProperty("compression-type") String compressionType,
            @JsonProperty("lazy-refcounts") Boolean lazyRefcounts,
            @JsonProperty("refcount-bits") int refcountBits,
            @JsonProperty("corrupt") Boolean corrupt,
            @JsonProperty("extended-l2") Boolean extendedL2,
            @JsonProperty("data-file") String dataFile,
            @JsonProperty("data-file-raw") Boolean dataFileRaw) {
    }

    /** Reads the header of the image at {@code path} (opened read-only) and describes it. */
    public static ImageInfo of(Path path) throws EngineException {
        Qcow2Header header;
        try (InspectionChannel file = InspectionChannel.open(path, false)) {
            header = Qcow2Header.read(file.channel());
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot read " + path + ": " + e.getMessage(), e);
        }
        return of(path, header, AllocatedSize.of(path));
    }

    static ImageInfo of(Path path, Qcow2Header header, long actualSize) {
        boolean v3 = header.version() == 3;
        Qcow2Data data = new Qcow2Data(
                v3 ? "1.1" : "0.10",
                header.compressionType() == Qcow2Header.COMPRESSION_ZSTD ? "zstd" : "zlib",
                v3 ? header.lazyRefcounts() : null,
                header.refcountBits(),
                v3 ? header.isCorrupt() : null,
                v3 ? header.hasExtendedL2() : null,
                header.dataFile().orElse(null),
                header.dataFile().isPresent() ? header.dataFileRaw() : null);
        String backing = header.hasBackingFile() ? header.backingFile() : null;
        return new ImageInfo(header.size(), path.toString(), "qcow2", actualSize, header.clusterSize(),
                header.isDirty(), backing, backing == null ? null : header.backingFormat().orElse(null),
                backing == null ? null : resolveAgainst(path.toString(), backing),
                new FormatSpecific("qcow2", data));
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
