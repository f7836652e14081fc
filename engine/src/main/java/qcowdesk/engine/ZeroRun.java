package qcowdesk.engine;

/**
 * A run of guest bytes that a read found to read as zeros without data behind them (a hole, a zero cluster,
 * unallocated space without a backing file, the part past a shorter backing file), as {@link MapEntry#zero()}
 * reports them.
 *
 * @param offset guest offset in bytes
 * @param length length in bytes
 */
public record ZeroRun(long offset, long length) {

    public long end() {
        return offset + length;
    }
}
