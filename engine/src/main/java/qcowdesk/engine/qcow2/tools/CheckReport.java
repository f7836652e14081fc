package qcowdesk.engine.qcow2.tools;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * Result of a refcount check, with the numbers and JSON names of {@code qemu-img check --output=json} (which, like
 * this record, leaves out counters that are zero).
 *
 * @param leaks            clusters whose refcount is higher than the number of references to them
 * @param corruptions      clusters whose refcount is too low, plus entries that are malformed on their own
 * @param rebuildNeeded    the refcount structure itself is damaged: only a rebuild repairs it
 * @param messages         what was found, one line each (the first {@link #MAX_MESSAGES})
 */
@JsonPropertyOrder({"filename", "format", "check-errors", "leaks", "corruptions", "image-end-offset",
        "total-clusters", "allocated-clusters", "fragmented-clusters", "compressed-clusters"})
public record CheckReport(
        @JsonProperty("filename") String filename,
        @JsonProperty("format") String format,
        @JsonProperty("check-errors") long checkErrors,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonProperty("leaks") long leaks,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonProperty("corruptions") long corruptions,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonProperty("image-end-offset") long imageEndOffset,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonProperty("total-clusters") long totalClusters,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonProperty("allocated-clusters") long allocatedClusters,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonProperty("fragmented-clusters") long fragmentedClusters,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonProperty("compressed-clusters") long compressedClusters,
        @JsonIgnore boolean rebuildNeeded,
        @JsonIgnore List<String> messages) {

    public static final int MAX_MESSAGES = 100;

    public CheckReport {
        messages = List.copyOf(messages);
    }

    /** No leaks, no corruptions, no errors. */
    @JsonIgnore
    public boolean isClean() {
        return checkErrors == 0 && leaks == 0 && corruptions == 0;
    }
}
