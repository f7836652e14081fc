package qcowdesk.cli.format;

import java.math.BigDecimal;
import java.math.RoundingMode;

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
            out.append(allocated).append('/').append(total).append(" = ")
                    .append(percent(allocated * 100.0 / total)).append("% allocated, ")
                    .append(percent(fragmented * 100.0 / allocated)).append("% fragmented, ")
                    .append(percent(compressed * 100.0 / allocated)).append("% compressed clusters\n");
        }
        if (endOffset != 0) {
            out.append("Image end offset: ").append(endOffset).append('\n');
        }
        return out.toString();
    }

    /** C's {@code %.2f}: the exact binary value rounded half to even (3.125 prints as 3.12, as in qemu-img). */
    private static String percent(double value) {
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** What a repair changed, before the second check's summary. */
    public static String repaired(long leaksFixed, long corruptionsFixed) {
        return "The following inconsistencies were found and repaired:\n\n"
                + "    " + leaksFixed + " leaked clusters\n"
                + "    " + corruptionsFixed + " corruptions\n\n"
                + "Double checking the fixed image now...\n";
    }
}
