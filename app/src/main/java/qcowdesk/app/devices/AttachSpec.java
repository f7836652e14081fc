package qcowdesk.app.devices;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.util.Optional;

/**
 * An attach request.
 *
 * @param file    the image file name, passed on as given (fname reports it back unchanged)
 * @param secBits log2 of the sector size, 9 to 12
 * @param unit    the wanted unit, or empty for the next free one
 */
public record AttachSpec(String file, boolean readOnly, int secBits, Optional<String> unit) {

    public static final int MIN_SEC_BITS = 9;
    public static final int MAX_SEC_BITS = 12;

    public AttachSpec {
        if (secBits < MIN_SEC_BITS || secBits > MAX_SEC_BITS) {
            throw new IllegalArgumentException("sector size must be 512 to 4096 bytes, got 2^" + secBits);
        }
    }

    /** The sector size in bytes as secBits; fails unless it is a power of two from 512 to 4096. */
    public static int secBitsOf(int sectorSize) throws EngineException {
        int bits = Integer.numberOfTrailingZeros(sectorSize);
        if (Integer.bitCount(sectorSize) != 1 || bits < MIN_SEC_BITS || bits > MAX_SEC_BITS) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT,
                    "Sector size must be 512, 1024, 2048 or 4096 bytes, not " + sectorSize);
        }
        return bits;
    }
}
