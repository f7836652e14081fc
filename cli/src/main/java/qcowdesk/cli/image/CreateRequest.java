package qcowdesk.cli.image;

import java.util.Locale;
import java.util.Map;

import picocli.CommandLine.TypeConversionException;
import qcowdesk.cli.args.ByteSize;
import qcowdesk.engine.qcow2.tools.CreateOptions;

/**
 * What {@code create} was asked for, gathered from {@code -o}, {@code -b}/{@code -F} and SIZE before the size is
 * known (an overlay without SIZE takes its backing file's size). Syntax errors are usage errors; whether the values
 * make a valid image is the engine's to say ({@link CreateOptions#validate()}).
 */
public record CreateRequest(Long size, Integer clusterSize, Integer version, Integer refcountBits, String backingFile,
                     String backingFormat, boolean extendedL2, boolean lazyRefcounts, boolean compatGiven,
                     int compressionType) {

    public static CreateRequest from(Map<String, String> options, Long sizeArgument, String backingArgument,
                              String backingFormatArgument) {
        Long size = sizeArgument;
        Integer clusterSize = null;
        Integer version = null;
        Integer refcountBits = null;
        String backingFile = backingArgument;
        String backingFormat = backingFormatArgument;
        boolean extendedL2 = false;
        boolean lazyRefcounts = false;
        int compressionType = CreateOptions.COMPRESSION_ZLIB;
        for (Map.Entry<String, String> option : options.entrySet()) {
            ImageOption known = ImageOption.byKey(option.getKey());
            if (known == null) {
                throw new TypeConversionException("invalid image option '" + option.getKey() + "' (supported: "
                        + String.join(", ", ImageOption.keys()) + ")");
            }
            String value = option.getValue();
            switch (known) {
                case BACKING_FILE -> backingFile = backingArgument != null ? backingArgument : value;
                case BACKING_FMT -> backingFormat = backingFormatArgument != null ? backingFormatArgument : value;
                case CLUSTER_SIZE -> clusterSize = toInt(known, ByteSize.parse(value));
                case COMPAT -> version = version(value);
                case COMPRESSION_TYPE -> compressionType = compressionType(value);
                case EXTENDED_L2 -> extendedL2 = onOff(known, value);
                case LAZY_REFCOUNTS -> lazyRefcounts = onOff(known, value);
                case REFCOUNT_BITS -> refcountBits = toInt(known, number(known, value));
                case SIZE -> size = sizeArgument != null ? sizeArgument : ByteSize.parse(value);
            }
        }
        return new CreateRequest(size, clusterSize, version, refcountBits, backingFile, backingFormat, extendedL2,
                lazyRefcounts, options.containsKey(ImageOption.COMPAT.key), compressionType);
    }

    /** The engine's options for an image of {@code virtualSize} bytes; qemu-img's defaults where nothing was said. */
    public CreateOptions toCreateOptions(long virtualSize) {
        CreateOptions options = CreateOptions.of(virtualSize);
        if (clusterSize != null) {
            options = options.withClusterSize(clusterSize);
        }
        if (version != null) {
            options = options.withVersion(version);
        }
        if (refcountBits != null) {
            options = options.withRefcountBits(refcountBits);
        }
        return options.withBacking(backingFile, backingFormat).withExtendedL2(extendedL2)
                .withLazyRefcounts(lazyRefcounts).withCompressionType(compressionType);
    }

    private static int version(String compat) {
        return switch (compat.toLowerCase(Locale.ROOT)) {
            case "0.10", "v2" -> 2;
            case "1.1", "v3" -> 3;
            default -> throw new TypeConversionException("invalid compat value '" + compat
                    + "' (use 1.1 or 0.10, also written v3 or v2)");
        };
    }

    private static int compressionType(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "zlib" -> CreateOptions.COMPRESSION_ZLIB;
            case "zstd" -> CreateOptions.COMPRESSION_ZSTD;
            default -> throw new TypeConversionException("invalid compression_type '" + name + "' (use zlib or zstd)");
        };
    }

    private static boolean onOff(ImageOption option, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new TypeConversionException(option.key + " must be on or off, got '" + value + "'");
        };
    }

    private static long number(ImageOption option, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException(option.key + " must be a number, got '" + value + "'");
        }
    }

    private static int toInt(ImageOption option, long value) {
        if (value > Integer.MAX_VALUE) {
            throw new TypeConversionException(option.key + " " + value + " is out of range");
        }
        return (int) value;
    }
}
