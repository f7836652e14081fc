package qcowdesk.cli.args;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The sector size a device presents, given as an exponent ({@code --secbits 12}) or in bytes
 * ({@code --sector-size 4096}); one or the other (an exclusive picocli group). 512 bytes when neither is given.
 */
public final class SectorSizeOptions {

    public static final int MIN_SECBITS = 9;
    public static final int MAX_SECBITS = 16;

    @Option(names = {"-s", "--secbits"}, paramLabel = "N",
            description = "Sector size as a power of two: 9 (512 bytes, the default) to 16 (64 KiB); 0 means 9.")
    Integer secBits;

    @Option(names = "--sector-size", paramLabel = "BYTES", converter = ByteSize.class,
            description = "Sector size in bytes: 512, 1K, 2K, 4K ... 64K.")
    Long sectorSize;

    /** The exponent to attach with (0 when nothing was said: the engine's "512 bytes"). */
    public int secBits(CommandLine commandLine) {
        if (secBits != null) {
            if (secBits != 0 && (secBits < MIN_SECBITS || secBits > MAX_SECBITS)) {
                throw new ParameterException(commandLine, "--secbits must be 0 or 9 to 16, got " + secBits);
            }
            return secBits;
        }
        if (sectorSize != null) {
            long size = sectorSize;
            if (Long.bitCount(size) != 1 || size < (1 << MIN_SECBITS) || size > (1 << MAX_SECBITS)) {
                throw new ParameterException(commandLine, "--sector-size must be a power of two from 512 to 65536, got "
                        + size);
            }
            return Long.numberOfTrailingZeros(size);
        }
        return 0;
    }
}
