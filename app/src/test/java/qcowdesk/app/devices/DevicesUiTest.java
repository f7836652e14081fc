package qcowdesk.app.devices;

import com.fasterxml.jackson.databind.JsonNode;
import javafx.collections.ListChangeListener;
import javafx.scene.control.ComboBox;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.matcher.control.LabeledMatchers;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.ImageState;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.UnwritableFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attach and detach from the real main window with the embedded owner (engine, NBD server, control socket),
 * checked with real NBD clients and with the control socket qcowctl uses.
 */
class DevicesUiTest extends AppUiTest {

    private static final long IMAGE_SIZE = 64L << 20;

    private Path image;

    private Path image(String name) {
        Path file = dir.resolve(name);
        Peers.ok("qemu-img", "create", "-f", "qcow2", file.toString(), Long.toString(IMAGE_SIZE));
        Peers.ok("qemu-io", "-c", "write -P 0x5a 0 1M", file.toString());
        return file;
    }

    private void addToLibrary(Path file) {
        Fx.run(() -> app.model.library().add(file));
        Fx.await("the image is read", () -> app.model.library().find(file).orElseThrow().state() == ImageState.READY);
    }

    private void attachFromDialog(FxRobot robot, Path file, boolean readOnly, int sectorSize) {
        robot.clickOn("#attach-button");
        @SuppressWarnings("unchecked")
        ComboBox<ImageItem> images = robot.lookup("#attach-image").queryAs(ComboBox.class);
        Fx.run(() -> images.setValue(app.model.library().find(file).orElseThrow()));
        Fx.run(() -> {
            robot.lookup(readOnly ? "#attach-read-only" : "#attach-read-write").queryAs(RadioButton.class)
                    .setSelected(true);
            @SuppressWarnings("unchecked")
            ComboBox<Integer> sizes = robot.lookup("#attach-sector-size").queryAs(ComboBox.class);
            sizes.setValue(sectorSize);
        });
        Fx.await("the preview shows the device", () -> robot.lookup("#attach-preview").queryLabeled().getText()
                .startsWith(IMAGE_SIZE / sectorSize + " sectors of " + sectorSize + " bytes"));
        robot.clickOn("Attach");
    }

    @Test
    void attachesReadWriteAndReadOnlyWithTheChosenSectorSize(FxRobot robot) throws Exception {
        image = image("disk.qcow2");
        addToLibrary(image);

        attachFromDialog(robot, image, false, 512);
        DeviceInfo rw = app.awaitDevice("qcow0");
        assertEquals(new DeviceInfo("qcow0", image.toString(), false, 512, IMAGE_SIZE, 0), rw);
        JsonNode rwExport = NbdClients.describe(app.nbdUri("qcow0"));
        assertEquals(IMAGE_SIZE, rwExport.path("export-size").asLong());
        assertEquals(512, rwExport.path("block_size_minimum").asInt());
        assertFalse(rwExport.path("is_read_only").asBoolean());

        Path second = image("second.qcow2");
        addToLibrary(second);
        attachFromDialog(robot, second, true, 4096);
        DeviceInfo ro = app.awaitDevice("qcow1");
        assertEquals(new DeviceInfo("qcow1", second.toString(), true, 4096, IMAGE_SIZE, 0), ro);
        JsonNode roExport = NbdClients.describe(app.nbdUri("qcow1"));
        assertEquals(IMAGE_SIZE, roExport.path("export-size").asLong());
        assertEquals(4096, roExport.path("block_size_minimum").asInt());
        assertTrue(roExport.path("is_read_only").asBoolean());

        // the library marks both images as attached
        Fx.await("the library shows the attachments", () -> app.model.library().find(image).orElseThrow().attachedAs().equals("qcow0")
                && app.model.library().find(second).orElseThrow().attachedAs().equals("qcow1"));
        // the data read through the export is the image's
        Peers.ok("qemu-io", "-r", "-f", "raw", "-c", "read -P 0x5a 0 1M", app.nbdUri("qcow1"));
    }

    @Test
    void detachWithAConnectedClientSaysSoAndForceDisconnectsIt(FxRobot robot) throws Exception {
        image = image("busy.qcow2");
        addToLibrary(image);
        attachFromDialog(robot, image, false, 512);
        app.awaitDevice("qcow0");

        try (NbdClients.Held client = NbdClients.hold(app.nbdUri("qcow0"))) {
            Fx.await("the table counts the client", () -> app.deviceRows().get(0).clients() == 1);
            robot.clickOn("qcow0");
            robot.clickOn("#detach-button");
            assertTrue(robot.lookup("1 client is connected to qcow0. Detaching needs them gone: Force detach disconnects them"
                    + " (their I/O stops), flushes and closes " + image + ". Detach says who they are (processes, mount points)"
                    + " and what can be done.").tryQuery().isPresent(),
                    "the dialog says a client is connected");
            robot.clickOn("Cancel");
            assertEquals(1, app.deviceRows().size(), "cancel leaves the device attached");

            robot.clickOn("#detach-button");
            robot.clickOn("Force detach");
            Fx.await("the device is gone", () -> app.deviceRows().isEmpty());
            assertTrue(app.model.devices().service().list().isEmpty(), "detached in the device table itself");
        }
        Peers.ok("qemu-img", "check", image.toString());
    }

    @Test
    void aPlainDetachOfABusyDeviceAsksForForce(FxRobot robot) throws Exception {
        image = image("race.qcow2");
        addToLibrary(image);
        attachFromDialog(robot, image, true, 512);
        app.awaitDevice("qcow0");
        robot.clickOn("qcow0");
        // the client connects after the table was last looked at: the plain detach meets a busy device
        Fx.run(() -> app.model.devices().close());
        try (NbdClients.Held client = NbdClients.hold(app.nbdUri("qcow0"))) {
            Fx.await(Duration.ofSeconds(20), "the client is connected",
                    () -> app.model.devices().service().list().get(0).clients() == 1);
            robot.clickOn("#detach-button");
            // the dialog's button, not the main window's Detach button
            robot.clickOn(robot.lookup(".dialog-pane .button").match(LabeledMatchers.hasText("Detach")).queryButton());
            Fx.await("the busy dialog shows", () -> robot.lookup("qcow0 is busy").tryQuery().isPresent());
            robot.clickOn("Force detach");
            Fx.await("the device is detached", () -> app.model.devices().service().list().isEmpty());
        }
    }

    @Test
    void engineErrorsAreShownInTheDialogWithTheirMessage(FxRobot robot) throws Exception {
        image = image("named.qcow2");
        addToLibrary(image);
        robot.clickOn("#attach-button");
        Fx.await("the image is chosen", () -> robot.lookup("#attach-preview").queryLabeled().getText().contains("sectors"));
        Fx.run(() -> robot.lookup("#attach-unit").queryAs(TextField.class).setText("bad name!"));
        robot.clickOn("Attach");
        Fx.await("the engine's message is shown", () -> !robot.lookup("#attach-error").queryLabeled().getText().isEmpty());
        String error = Fx.get(() -> robot.lookup("#attach-error").queryLabeled().getText());
        assertTrue(error.startsWith("invalid unit name 'bad name!'"), error);
        assertTrue(app.deviceRows().isEmpty());
        robot.clickOn("Cancel");
    }

    @Test
    void readOnlyIsForcedAndExplainedForAFileThatCannotBeWritten(FxRobot robot) throws Exception {
        image = image("locked.qcow2");
        try (UnwritableFile locked = UnwritableFile.of(image)) {
            addToLibrary(image);
            robot.clickOn("#attach-button");
            Fx.await("read-only is forced", () -> robot.lookup("#attach-read-only").queryAs(RadioButton.class).isSelected()
                    && robot.lookup("#attach-read-write").queryAs(RadioButton.class).isDisabled());
            assertEquals("The file is not writable, so the device can only be read (or written temporarily).",
                    Fx.get(() -> robot.lookup("#attach-read-only-reason").queryLabeled().getText()));
            robot.clickOn("Attach");
            assertTrue(app.awaitDevice("qcow0").readOnly());
        }
    }

    @Test
    void readOnlyIsForcedAndExplainedForAnImageMarkedCorrupt(FxRobot robot) throws Exception {
        image = image("corrupt.qcow2");
        markCorrupt(image);
        addToLibrary(image);
        robot.clickOn("#attach-button");
        Fx.await("read-only is forced", () -> robot.lookup("#attach-read-only").queryAs(RadioButton.class).isSelected()
                && robot.lookup("#attach-read-write").queryAs(RadioButton.class).isDisabled());
        assertEquals("The image is marked corrupt; it may only be attached read-only (or with temporary writes) until it "
                + "is repaired.",
                Fx.get(() -> robot.lookup("#attach-read-only-reason").queryLabeled().getText()));
        robot.clickOn("Cancel");
    }

    /** Sets the corrupt bit (bit 1 of the version 3 incompatible features at header offset 72), as QEMU does. */
    private static void markCorrupt(Path image) throws IOException {
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer features = ByteBuffer.allocate(8);
            file.read(features, 72);
            long bits = features.flip().getLong() | 2;
            file.write(ByteBuffer.allocate(8).putLong(0, bits), 72);
        }
    }

    @Test
    void appAndControlSocketSeeEachOthersAttaches() throws Exception {
        Path mine = image("app.qcow2");
        Path theirs = image("cli.qcow2");
        addToLibrary(theirs);
        try (ControlClient cli = ControlClient.connect(app.directories.runtime())) {
            // relative to the client's directory, as a user types it to qcowctl
            String relative = Path.of("").toAbsolutePath().relativize(theirs).toString();
            // the moment the table's list changes to include the device, seen on the FX thread itself
            AtomicLong shownAt = new AtomicLong();
            Fx.run(() -> app.model.devices().devices().addListener((ListChangeListener<DeviceInfo>) change -> {
                if (shownAt.get() == 0 && !change.getList().isEmpty()) {
                    shownAt.set(System.nanoTime());
                }
            }));
            long attaching = System.nanoTime();
            String unit = cli.attach(relative, true, 12, null).unit();
            app.awaitDevice(unit);
            long millis = (shownAt.get() - attaching) / 1_000_000;
            assertTrue(millis < 1000, "shown within a second of the attach request, not " + millis + " ms");
            Fx.await("the library knows the image is attached", () -> app.model.library().find(theirs).orElseThrow()
                    .attachedAs().equals(unit));

            Fx.run(() -> app.model.devices().attach(new qcowdesk.engine.device.AttachRequest(mine.toString(), false, 9, null),
                    device -> { }, failure -> { }));
            Fx.await("the app's attach is done", () -> app.deviceRows().size() == 2);
            assertEquals(List.of(relative, mine.toString()),
                    cli.list().stream().map(DeviceInfo::fileName).toList());

            cli.detach(unit, false);
            Fx.await("the detach by the control socket shows", () -> app.deviceRows().size() == 1);
        }
    }
}
