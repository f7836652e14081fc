package qcowdesk.engine.contents.partition;

/** The sentence shown when a disk is attached with another sector size than it was partitioned with. */
public final class SectorSizeWarning {

    private SectorSizeWarning() {
    }

    public static String text(int tableSectorSize, int attachSectorSize) {
        return "this disk was partitioned with " + tableSectorSize + "-byte sectors; attached with "
                + attachSectorSize + " its partitions will look wrong";
    }
}
