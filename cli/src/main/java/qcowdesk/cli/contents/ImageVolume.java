package qcowdesk.cli.contents;

import qcowdesk.cli.support.Program;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import qcowdesk.cli.support.CliFailure;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.Qcowctl;
import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;

/**
 * An image opened read-only (a shared lock: it may be attached and written meanwhile) with its partitions read,
 * and the volume an {@code IMAGE[:PART]} argument names. Warnings about the disk go to stderr.
 */
final class ImageVolume implements AutoCloseable {

    /** Image files are seen with 512-byte sectors, as by qemu and the kernel's loop driver. */
    static final int FILE_SECTOR_SIZE = 512;

    private final Qcow2Image image;
    private final DiskContents contents;
    private final Integer partition;

    private ImageVolume(Qcow2Image image, DiskContents contents, Integer partition) {
        this.image = image;
        this.contents = contents;
        this.partition = partition;
    }

    /** Opens {@code IMAGE} or {@code IMAGE:N}; a file name that itself ends in ":N" wins when it exists. */
    static ImageVolume open(String target, boolean allowExternalFiles, PrintWriter err) throws IOException {
        Path path = Path.of(target);
        Integer partition = null;
        int colon = target.lastIndexOf(':');
        if (!Files.exists(path) && colon > 0 && target.substring(colon + 1).matches("\\d{1,3}")) {
            path = Path.of(target.substring(0, colon));
            partition = Integer.valueOf(target.substring(colon + 1));
        }
        Qcow2Image image = Qcow2Image.open(path, OpenOptions.readOnly().withExternalFilesAllowed(allowExternalFiles));
        try {
            DiskContents contents = DiskContents.read(image, FILE_SECTOR_SIZE);
            for (String w : contents.table().warnings()) {
                err.println(Program.NAME + ": warning: " + w);
            }
            return new ImageVolume(image, contents, partition);
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    Qcow2Image image() {
        return image;
    }

    DiskContents contents() {
        return contents;
    }

    Volume volume() throws IOException {
        return contents.volume(partition);
    }

    /** The filesystem of the named volume, its warnings printed. */
    FileSystemReader filesystem(PrintWriter err) throws IOException {
        FileSystemReader fs = volume().open();
        for (String w : fs.warnings()) {
            err.println(Program.NAME + ": warning: " + w);
        }
        return fs;
    }

    static CliFailure notFound(String path) {
        return new CliFailure(ExitCodes.REFUSED, path + ": no such file or directory");
    }

    @Override
    public void close() throws IOException {
        image.close();
    }
}
