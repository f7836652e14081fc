package qcowdesk.app.inspect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javafx.application.Application;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;

import atlantafx.base.theme.PrimerLight;
import qcowdesk.app.background.DaemonTaskExecutor;
import qcowdesk.app.background.TaskExecutor;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Starts the FX toolkit without a display (Monocle) and renders nodes to PNG files. */
public final class Headless {

    private static final TaskExecutor EXECUTOR = new DaemonTaskExecutor("test-view");

    private Headless() {
    }

    /** The executor panes under test run their background work on, as the app's panes do on the app's. */
    public static TaskExecutor executor() {
        return EXECUTOR;
    }

    /** Starts the toolkit once; safe to call from every test class. */
    public static synchronized void start() throws Exception {
        // Set here too, not only in the pom, so the tests run headless however they are launched.
        System.setProperty("testfx.robot", "glass");
        System.setProperty("testfx.headless", "true");
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.text", "t2k");
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        System.setProperty("java.awt.headless", "true");
        FxToolkit.registerPrimaryStage();
        onFx(() -> {
            Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
            return null;
        });
    }

    /** Runs {@code work} on the FX thread and returns its result. */
    public static <T> T onFx(Callable<T> work) throws Exception {
        return WaitForAsyncUtils.asyncFx(work).get(30, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} on the FX thread until it holds (fails after {@code seconds}). */
    public static void waitUntil(int seconds, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> onFx(condition::getAsBoolean));
    }

    /** Puts {@code root} in a scene of the given size; returns the scene. */
    public static Scene scene(Parent root, double width, double height) throws Exception {
        return onFx(() -> {
            Scene scene = new Scene(root, width, height);
            root.applyCss();
            root.layout();
            return scene;
        });
    }

    /**
     * Renders the scene to {@code name}.png under the screenshot directory: {@code qcowdesk.screenshots} when
     * set (the README's pictures are made with it pointing at docs/screenshots), else target/screenshots.
     */
    public static Path snapshot(Scene scene, String name) throws Exception {
        WritableImage image = onFx(() -> {
            scene.getRoot().applyCss();
            scene.getRoot().layout();
            return scene.snapshot(null);
        });
        Path dir = Path.of(System.getProperty("qcowdesk.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".png");
        if (!ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
        return file;
    }
}
