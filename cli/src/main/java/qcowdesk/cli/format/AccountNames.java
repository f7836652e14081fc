package qcowdesk.cli.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** User and group names by numeric ID, read from /etc/passwd and /etc/group as stat(1) shows them. */
public final class AccountNames {

    private static final String UNKNOWN = "UNKNOWN";

    private final Map<Integer, String> users;
    private final Map<Integer, String> groups;

    private AccountNames(Map<Integer, String> users, Map<Integer, String> groups) {
        this.users = users;
        this.groups = groups;
    }

    public static AccountNames fromSystem() {
        return new AccountNames(read(Path.of("/etc/passwd")), read(Path.of("/etc/group")));
    }

    public String user(int uid) {
        return users.getOrDefault(uid, UNKNOWN);
    }

    public String group(int gid) {
        return groups.getOrDefault(gid, UNKNOWN);
    }

    /** name:x:id:... lines; the first name of an ID wins, as getpwuid(3) returns it. */
    private static Map<Integer, String> read(Path file) {
        Map<Integer, String> names = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.split(":", 4);
                if (fields.length >= 3 && !line.startsWith("#")) {
                    try {
                        names.putIfAbsent(Integer.parseInt(fields[2]), fields[0]);
                    } catch (NumberFormatException malformedLine) {
                        // skip it, as the C library does
                    }
                }
            }
        } catch (IOException unreadable) {
            // no names: every ID shows as UNKNOWN, which is what stat(1) does without the database
        }
        return names;
    }
}
