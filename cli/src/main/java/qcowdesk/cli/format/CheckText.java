package qcowdesk.cli.format;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/** The human report of {@code qemu-img check}, word for word. */
public final class CheckText {

    private CheckText() {
    }

    /** The verdict and statistics, from a report in qemu-img check's JSON form. */
    public static String summary(JsonNode json) {
        long corruptions = json.path("corruptions").asLong();
        long leaks = json.path("leaks").asLong();
        long checkErrors = json.path("check-errors").asLong();
        long total = json.path("total-clusters").asLong();
        long allocated = json.path("allocated-clusters").asLong();
        long fragmented = json.path("fragmented-clusters").asLong();
        long compressed = json.path("compressed-clusters").asLong();
        long endOffset = json.path("image-end-offset").asLong();
        StringBuilder out = new StringBuilder();
        if (corruptions == 0 && leaks == 0 && checkErrors == 0) {
            out.append("No errors were found on the image.\n");
        } else {
            if (corruptions > 0) {
                out.append('\n').append(corruptions).append(" errors were found on the image.\n")
                        .append("Data may be corrupted, or further writes to the image may corrupt it.\n");
            }
            if (leaks > 0) {
                out.append('\n').append(leaks).append(" leaked clusters were found on the image.\n")
                        .append("This means waste of disk space, but no harm to data.\n");
            }
            if (checkErrors > 0) {
                out.append('\n').append(checkErrors).append(" internal errors have occurred during the check.\n");
            }
        }
        if (total != 0 && allocated != 0) {
            out.append(String.format(Locale.ROOT, "%d/%d = %.2f%% allocated, %.2f%% fragmented, %.2f%% compressed clusters%n",
                    allocated, total, allocated * 100.0 / total, fragmented * 100.0 / allocated,
                    compressed * 100.0 / allocated));
        }
        if (endOffset != 0) {
            out.append("Image end offset: ").append(endOffset).append('\n');
        }
        return out.toString();
    }

    /** What a repair changed, before the second check's summary. */
    public static String repaired(long leaksFixed, long corruptionsFixed) {
        return "The following inconsistencies were found and repaired:\n\n"
                + "    " + leaksFixed + " leaked clusters\n"
                + "    " + corruptionsFixed + " corruptions\n\n"
                + "Double checking the fixed image now...\n";
    }
}
