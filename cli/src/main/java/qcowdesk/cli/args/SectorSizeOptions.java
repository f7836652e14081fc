package qcowdesk.cli.args;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import qcowdesk.cli.support.OptionField;

/**
 * The sector size a device presents, given as an exponent ({@code --secbits 12}) or in bytes
 * ({@code --sector-size 4096}); one or the other (an exclusive picocli group). 512 bytes when neither is given.
 * Annotated commands use it as an argument group (picocli sets the fields by reflection); {@link #addTo} binds the
 * options of a model built in code to the same fields.
 */
public final class SectorSizeOptions {

    public static final int MIN_SECBITS = 9;
    public static final int MAX_SECBITS = 16;

    private static final String SECBITS_HELP =
            "Sector size as a power of two: 9 (512 bytes, the default) to 16 (64 KiB); 0 means 9.";
    private static final String SIZE_HELP = "Sector size in bytes: 512, 1K, 2K, 4K ... 64K.";

    @Option(names = {"-s", "--secbits"}, paramLabel = "N", description = SECBITS_HELP)
    Integer secBits;

    @Option(names = "--sector-size", paramLabel = "BYTES", converter = ByteSize.class, description = SIZE_HELP)
    Long sectorSize;

    /** The same exclusive group added to a model built in code ({@code CommandModel}), bound to the same fields. */
    public static SectorSizeOptions addTo(CommandSpec spec) {
        SectorSizeOptions sectorSize = new SectorSizeOptions();
        // required, as picocli makes the members of an exclusive group (ServeCommand says why it is said here)
        OptionSpec secBits = new OptionField<>(() -> sectorSize.secBits, bits -> sectorSize.secBits = bits)
                .bind(OptionSpec.builder("-s", "--secbits")).type(Integer.class).required(true).paramLabel("N")
                .description(SECBITS_HELP).build();
        OptionSpec size = new OptionField<>(() -> sectorSize.sectorSize, bytes -> sectorSize.sectorSize = bytes)
                .bind(OptionSpec.builder("--sector-size")).type(Long.class).required(true).paramLabel("BYTES")
                .converters(new ByteSize()).description(SIZE_HELP).build();
        spec.addArgGroup(ArgGroupSpec.builder().exclusive(true).multiplicity("0..1").addArg(secBits).addArg(size)
                .build());
        return sectorSize;
    }

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
