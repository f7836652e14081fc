package qcowdesk.app.library;

import qcowdesk.engine.device.FileStat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which file a path names: device and inode. A device's file name is the string given at attach, possibly
 * relative to another process's directory (qcowctl's), so library entries are matched to devices by this.
 */
public record FileId(long dev, long ino) {

    public static FileId of(Path path) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino");
        return new FileId((Long) attributes.get("dev"), (Long) attributes.get("ino"));
    }

    public static FileId of(FileStat stat) {
        return new FileId(stat.dev(), stat.ino());
    }
}
