package qcowdesk.bridge.nbd.wire;

/** Structured reply chunk types and flags. */
public final class ChunkType {

    /** Flag of the last chunk of a reply. */
    public static final int FLAG_DONE = 1;

    public static final int NONE = 0;
    public static final int OFFSET_DATA = 1;
    public static final int OFFSET_HOLE = 2;
    public static final int BLOCK_STATUS = 5;
    public static final int ERROR = (1 << 15) | 1;
    public static final int ERROR_OFFSET = (1 << 15) | 2;

    private ChunkType() {
    }
}
