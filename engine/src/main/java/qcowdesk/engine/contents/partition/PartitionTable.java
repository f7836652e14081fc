package qcowdesk.engine.contents.partition;

import java.util.List;

/**
 * What the start of a disk says about its layout.
 *
 * @param scheme           GPT, MBR or none
 * @param sectorSize       the logical sector size the table was written for (512 or 4096)
 * @param attachSectorSize the sector size the disk is seen with (the device's; 512 for a file)
 * @param diskId           GPT disk GUID, or the MBR disk signature as "0x1234abcd"
 * @param firstUsableLba   GPT first usable LBA (0 for MBR)
 * @param lastUsableLba    GPT last usable LBA (0 for MBR)
 * @param partitions       in table order (GPT unused entries left out)
 * @param hybridMbr        GPT disk whose MBR also lists partitions other than the protective one
 * @param warnings         problems found that did not stop the reading (damaged primary GPT, a loop in the
 *                         extended chain, a sector-size mismatch, ...), each a sentence for the user
 */
public record PartitionTable(PartitionScheme scheme, int sectorSize, int attachSectorSize, String diskId,
                             long firstUsableLba, long lastUsableLba, List<Partition> partitions, boolean hybridMbr,
                             List<String> warnings) {

    public PartitionTable {
        partitions = List.copyOf(partitions);
        warnings = List.copyOf(warnings);
    }

    /** Whether the table was written for another sector size than the disk is attached with. */
    public boolean sectorSizeMismatch() {
        return scheme != PartitionScheme.NONE && sectorSize != attachSectorSize;
    }

    /** The partition numbered {@code number} (as in /dev/sdaN), if any. */
    public java.util.Optional<Partition> partition(int number) {
        return partitions.stream().filter(p -> p.number() == number).findFirst();
    }
}
