package qcowdesk.engine.device;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/** The sector sizes a device can present: 2^9 (512) to 2^16 (65536) bytes, independent of the cluster size. */
final class SectorSizes {

    static final int DEFAULT_BITS = 9;
    static final int MIN_BITS = 9;
    static final int MAX_BITS = 16;

    private SectorSizes() {
    }

    /** The sector size exponent to use for a requested {@code secBits}: 0 means 9. */
    static int resolve(int secBits) throws EngineException {
        if (secBits == 0) {
            return DEFAULT_BITS;
        }
        if (secBits < MIN_BITS || secBits > MAX_BITS) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "sector size exponent " + secBits
                    + " is out of range: use " + MIN_BITS + " to " + MAX_BITS + " (512 to 65536-byte sectors),"
                    + " or 0 for 512-byte sectors");
        }
        return secBits;
    }
}
