package qcowdesk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which class-data-sharing archive each launcher gives the JVM: a server ({@code serve}, {@code daemon}) maps
 * qcowctl-serve.jsa, serve's classes alone, every other command qcowctl.jsa (bin/qcowctl-jvm-options.sh says why: a
 * serving process keeps its whole archive resident). Both launchers run here as they are, on a copy of their
 * directory layout, with a stand-in for java that prints its arguments. The installer check
 * (installers/check.sh) looks at the archive an installed {@code qcowctl serve} maps.
 */
class LauncherArchiveTest {

    private static final Path BIN = Path.of("..", "bin");
    private static final Path INSTALLERS = Path.of("..", "installers");

    @TempDir
    Path dir;

    @Test
    void theSourceTreeLauncherMapsTheServerArchiveForServersOnly() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(BIN.resolve("qcowctl"), bin.resolve("qcowctl"));
        Files.copy(BIN.resolve("qcowctl-jvm-options.sh"), bin.resolve("qcowctl-jvm-options.sh"));
        Path target = Files.createDirectories(dir.resolve("cli").resolve("target"));
        // a built tree: the jar, then its launcher jar and both archives (not older than the jar: nothing rebuilt)
        Instant built = Instant.now().minusSeconds(60);
        for (String name : List.of("qcowctl.jar", "qcowctl-launcher.jar", "qcowctl.jsa", "qcowctl-serve.jsa")) {
            Files.writeString(target.resolve(name), "");
            Files.setLastModifiedTime(target.resolve(name), FileTime.from(built));
        }
        Path java = fakeJava(dir.resolve("java"));
        for (String command : List.of("serve", "daemon")) {
            assertEquals(target.toRealPath().resolve("qcowctl-serve.jsa").toString(),
                    archive(run(bin.resolve("qcowctl"), Map.of("QCOWCTL_JAVA", java.toString()), command)), command);
        }
        for (String command : List.of("info", "create", "--version")) {
            assertEquals(target.toRealPath().resolve("qcowctl.jsa").toString(),
                    archive(run(bin.resolve("qcowctl"), Map.of("QCOWCTL_JAVA", java.toString()), command)), command);
        }
    }

    @Test
    void theInstalledLauncherMapsTheServerArchiveForServersOnly() throws Exception {
        Path image = dir.resolve("QcowDesk");
        Path bin = Files.createDirectories(image.resolve("bin"));
        Path app = Files.createDirectories(image.resolve("lib").resolve("app"));
        Files.writeString(bin.resolve("qcowctl"), Files.readString(INSTALLERS.resolve("qcowctl.sh"))
                .replace("@CLI_JAR@", "cli.jar"));
        Files.setPosixFilePermissions(bin.resolve("qcowctl"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(BIN.resolve("qcowctl-jvm-options.sh"), app.resolve("qcowctl-jvm-options.sh"));
        fakeJava(Files.createDirectories(image.resolve("lib").resolve("runtime").resolve("bin")).resolve("java"));
        String appDir = app.toRealPath().toString();
        for (String command : List.of("serve", "daemon")) {
            assertEquals(appDir + "/qcowctl-serve.jsa", archive(run(bin.resolve("qcowctl"), Map.of(), command)), command);
        }
        for (String command : List.of("info", "create", "--version")) {
            assertEquals(appDir + "/qcowctl.jsa", archive(run(bin.resolve("qcowctl"), Map.of(), command)), command);
        }
    }

    /** A java that prints its arguments, one a line. */
    private static Path fakeJava(Path path) throws IOException {
        Files.writeString(path, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private static List<String> run(Path launcher, Map<String, String> env, String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), command).redirectErrorStream(true);
        builder.environment().remove("QCOWCTL_JAVA_OPTS");
        builder.environment().put("QCOWCTL_NO_REBUILD", "1");
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish");
        assertEquals(0, process.exitValue(), out);
        return out.lines().toList();
    }

    /** The archive the JVM was given: the one -XX:SharedArchiveFile (there must be exactly one). */
    private static String archive(List<String> args) {
        List<String> archives = args.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile="))
                .map(a -> a.substring("-XX:SharedArchiveFile=".length())).toList();
        assertEquals(1, archives.size(), String.join(" ", args));
        return archives.get(0);
    }
}
