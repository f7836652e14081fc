package qcowdesk.engine;

/**
 * One extent of the guest disk, with the same meaning as an entry of {@code qemu-img map --output=json}.
 *
 * @param start      guest offset in bytes
 * @param length     length in bytes
 * @param depth      layer of the backing chain that provides the data: 0 is this image, 1 its backing file, ...;
 *                   for ranges unallocated in the whole chain, the number of layers searched (as qemu reports it)
 * @param present    whether some layer of the chain allocates the range (false: reads as zeros from nowhere)
 * @param zero       whether the range reads as zeros
 * @param data       whether the range is backed by data in a file (false for zero clusters and holes)
 * @param compressed whether the data is stored compressed
 * @param hostOffset offset of the data in the file that holds it, or -1 when there is none (holes, zero
 *                   clusters, compressed data)
 */
public record MapEntry(long start, long length, int depth, boolean present, boolean zero, boolean data,
                       boolean compressed, long hostOffset) {

    public static final long NO_OFFSET = -1;

    public long end() {
        return start + length;
    }
}
