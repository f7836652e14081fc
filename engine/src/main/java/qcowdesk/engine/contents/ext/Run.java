package qcowdesk.engine.contents.ext;

/**
 * Consecutive logical blocks of a file mapped to consecutive physical blocks, or a hole.
 *
 * @param physical first physical block, or {@link #HOLE}
 * @param zeroed   an uninitialized (preallocated) extent: allocated, but reads as zeros
 */
record Run(long logical, long physical, long length, boolean zeroed) {

    static final long HOLE = -1;

    boolean hole() {
        return physical == HOLE;
    }

    boolean readsZero() {
        return hole() || zeroed;
    }
}
