package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.Qcow2Header;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The full list of files opening an image would open, in order (image, its data file, its backing file, the
 * backing file's data file, ...), each with what needs the user's consent. Reads headers only, so it is safe to
 * run on an untrusted image before deciding whether to open it.
 */
public final class ImageChain {

    private ImageChain() {
    }

    public static List<ChainFile> describe(Path image) throws IOException {
        ExternalFilePolicy.requireRegularFile(image);
        List<ChainFile> files = new ArrayList<>();
        files.add(new ChainFile(ChainFile.Role.IMAGE, image.toString(), image.toRealPath(), "qcow2", true, List.of()));
        ChainGuard guard = new ChainGuard();
        Path current = image;
        while (current != null) {
            Qcow2Header header = readHeader(current, guard);
            Path next = null;
            if (header.hasExternalDataFile() && header.dataFile().isPresent()) {
                files.add(ExternalFilePolicy.inspect(current, ChainFile.Role.DATA_FILE, header.dataFile().get(),
                        "raw", header));
            }
            if (header.hasBackingFile() && ImageResources.isRemoteName(header.backingFile())) {
                files.add(new ChainFile(ChainFile.Role.BACKING, header.backingFile(), Path.of(header.backingFile()),
                        header.backingFormat().orElse(null), false, List.of("it is not a local file")));
            } else if (header.hasBackingFile()) {
                ChainFile backing = ExternalFilePolicy.inspect(current, ChainFile.Role.BACKING, header.backingFile(),
                        header.backingFormat().orElse(null), header);
                files.add(backing);
                next = backing.exists() && "qcow2".equals(backing.format()) ? backing.path() : null;
            }
            current = next;
        }
        return files;
    }

    private static Qcow2Header readHeader(Path file, ChainGuard guard) throws IOException {
        try (InspectionChannel opened = InspectionChannel.open(file, false)) {
            guard.enter(opened.fileKey(), file.toString());
            return HeaderFile.read(opened.channel());
        }
    }
}
