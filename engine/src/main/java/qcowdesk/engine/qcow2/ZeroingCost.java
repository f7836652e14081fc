package qcowdesk.engine.qcow2;

/**
 * Predicts whether {@link GuestWriter#writeZeroes} can zero a range through metadata alone, or must write real
 * zeros into data clusters. It mirrors the rules there, erring on "not cheap" where the answer would need a
 * look at the tables:
 * <ul>
 *   <li>Only whole clusters (the last one may end at the end of the disk) are zeroed through metadata; partial
 *       clusters are written.</li>
 *   <li>Version 3 has the zero flag (or all-zero subcluster bitmaps): whole clusters are always cheap.</li>
 *   <li>Version 2 has no zero flag: a whole cluster becomes zero only by deallocating it, which is allowed only
 *       when the caller permits holes and no backing file would show through the hole.</li>
 * </ul>
 */
record ZeroingCost(int version, boolean hasBacking, long clusterSize, long diskSize) {

    boolean isMetadataOnly(long offset, long length, boolean mayDeallocate) {
        if (offset < 0 || length <= 0 || offset > diskSize - length) {
            return false;
        }
        if (version < 3 && (hasBacking || !mayDeallocate)) {
            return false;
        }
        long end = offset + length;
        return offset % clusterSize == 0 && (end % clusterSize == 0 || end == diskSize);
    }
}
