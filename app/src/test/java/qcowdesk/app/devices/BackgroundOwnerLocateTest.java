package qcowdesk.app.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed app starts its JVM from bin/qcowdesk (not through the jpackage launcher bin/QcowDesk), so the
 * process's command is the runtime's java; the app image's qcowctl is found beside the launcher named by
 * {@code jpackage.app-path}, which both launchers set.
 */
class BackgroundOwnerLocateTest {

    @Test
    void theQcowctlBesideTheAppImagesLauncherComesFirst(@TempDir Path image) throws Exception {
        Path bin = Files.createDirectories(image.resolve("bin"));
        Path qcowctl = Files.createFile(bin.resolve("qcowctl"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        String before = System.getProperty(BackgroundOwner.APP_PATH_PROPERTY);
        System.setProperty(BackgroundOwner.APP_PATH_PROPERTY, bin.resolve("QcowDesk").toString());
        try {
            assertEquals(List.of(qcowctl.toString()), BackgroundOwner.locate().orElseThrow().command());
        } finally {
            if (before == null) {
                System.clearProperty(BackgroundOwner.APP_PATH_PROPERTY);
            } else {
                System.setProperty(BackgroundOwner.APP_PATH_PROPERTY, before);
            }
        }
    }
}
