package qcowdesk.cli.image;

import java.util.List;
import java.util.stream.Collectors;

/** The {@code -o} options of {@code qcowctl create}: their names, value syntax and meaning ({@code -o help}). */
enum ImageOption {
    BACKING_FILE("backing_file", "<str>", "File name of a base image (the same as -b)"),
    BACKING_FMT("backing_fmt", "<str>", "Image format of the base image: qcow2 or raw (the same as -F)"),
    CLUSTER_SIZE("cluster_size", "<size>", "qcow2 cluster size: a power of two from 512 to 2M (default 64K)"),
    COMPAT("compat", "<str>", "Compatibility level (v2 [0.10] or v3 [1.1], the default)"),
    COMPRESSION_TYPE("compression_type", "<str>", "Compression of compressed clusters: zlib (default) or zstd"),
    EXTENDED_L2("extended_l2", "<bool (on/off)>", "Extended L2 tables: 32 subclusters per cluster"),
    LAZY_REFCOUNTS("lazy_refcounts", "<bool (on/off)>", "Postpone refcount updates"),
    REFCOUNT_BITS("refcount_bits", "<num>", "Width of a reference count entry in bits (default 16)"),
    SIZE("size", "<size>", "Virtual disk size (the same as the SIZE argument)");

    final String key;
    final String syntax;
    final String description;

    ImageOption(String key, String syntax, String description) {
        this.key = key;
        this.syntax = syntax;
        this.description = description;
    }

    static ImageOption byKey(String key) {
        for (ImageOption option : values()) {
            if (option.key.equals(key)) {
                return option;
            }
        }
        return null;
    }

    static List<String> keys() {
        return java.util.Arrays.stream(values()).map(o -> o.key).collect(Collectors.toList());
    }

    /** The table {@code -o help} prints, laid out like qemu-img's. */
    static String helpText() {
        StringBuilder out = new StringBuilder("Supported options:\n");
        for (ImageOption option : values()) {
            out.append(String.format("  %-22s - %s%n", option.key + "=" + option.syntax, option.description));
        }
        return out.toString();
    }
}
