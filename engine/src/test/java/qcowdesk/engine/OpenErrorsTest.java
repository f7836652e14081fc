package qcowdesk.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.device.DiskOpener;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.tools.HostMap;
import qcowdesk.engine.qcow2.tools.ImageChecker;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/** A missing image reads the same whichever way it is opened. */
class OpenErrorsTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsTheSameErrorEverywhere() throws Exception {
        Path missing = dir.resolve("nope.qcow2");
        String expected = "cannot open " + missing + ": no such file";
        try (DeviceTable table = new DeviceTable(DiskOpener.qcow2())) {
            List<Executable> opens = List.of(
                    () -> table.attach(new AttachRequest(missing.toString(), false, 0, null)),
                    () -> table.attach(new AttachRequest(missing.toString(), true, 0, null)),
                    () -> Qcow2Image.open(missing, OpenOptions.readWrite()).close(),
                    () -> ImageInfo.of(missing),
                    () -> ImageChecker.check(missing, ProgressListener.NONE),
                    () -> HostMap.of(missing, ProgressListener.NONE));
            for (Executable open : opens) {
                EngineException e = assertThrows(EngineException.class, open);
                assertEquals(ErrorCode.IO, e.code(), e.getMessage());
                assertEquals(expected, e.getMessage());
            }
        }
    }
}
