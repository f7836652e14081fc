package qcowdesk.cli.format;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.device.FileStat;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stat rendering against GNU stat(1) itself, for the same numbers. */
class StatTextTest {

    @TempDir
    Path dir;

    @Test
    void rendersLikeStatOfTheSameFile() throws Exception {
        for (String name : new String[] {"disk.qcow2", "my disk's copy.qcow2", "empty"}) {
            Path file = dir.resolve(name);
            Files.write(file, name.equals("empty") ? new byte[0] : new byte[70000]);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
            String expected = withoutBirth(Peers.ok("stat", file.toString()).stdout());
            String ours = withoutBirth(new StatText(AccountNames.fromSystem(), ZoneId.systemDefault())
                    .render(file.toString(), statOf(file)));
            assertEquals(expected, ours, name);
        }
    }

    @Test
    void permissionLettersIncludeSpecialBits() {
        assertEquals("-rwsr-sr-t", StatText.permissions(0100000 | 07755));
        assertEquals("drwSr-S--T", StatText.permissions(0040000 | 07640));
    }

    /** fstat(2) has no birth time, so that line is ours to leave empty. */
    private static String withoutBirth(String text) {
        return text.lines().filter(line -> !line.startsWith(" Birth:")).reduce("", (a, b) -> a + b + "\n");
    }

    private static FileStat statOf(Path file) {
        String[] f = Peers.ok("stat", "-c", "%d %i %f %h %u %g %s %b %o %.9X %.9Y %.9Z", file.toString())
                .stdout().trim().split(" ");
        return new FileStat(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2], 16),
                Long.parseLong(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), 0, Long.parseLong(f[6]),
                Long.parseLong(f[7]), Integer.parseInt(f[8]), time(f[9]), time(f[10]), time(f[11]));
    }

    private static FileStat.Timespec time(String secondsDotNanos) {
        BigDecimal t = new BigDecimal(secondsDotNanos);
        long seconds = t.longValue();
        return new FileStat.Timespec(seconds, t.subtract(BigDecimal.valueOf(seconds)).movePointRight(9).intValue());
    }
}
