package qcowdesk.engine.qcow2;

/**
 * How to open an image. (The component is {@code isReadOnly} because Java forbids a record accessor
 * {@code readOnly()} next to the static factory of that name.)
 *
 * @param isReadOnly   open without write access; shares the image with any writer (like {@code qemu-img -U})
 * @param l2CacheBytes upper bound of the L2 table cache; 0 means the default: enough to cover the whole disk, at
 *                     most 32 MiB (as QEMU)
 * @param allowExternalFiles open backing and data files that {@link ExternalFilePolicy} would refuse (the user
 *                     said they trust this image); false by default, because images are untrusted input
 */
public record OpenOptions(boolean isReadOnly, long l2CacheBytes, boolean allowExternalFiles) {

    public static final long DEFAULT_MAX_L2_CACHE = 32L << 20;

    public static OpenOptions readWrite() {
        return new OpenOptions(false, 0, false);
    }

    public static OpenOptions readOnly() {
        return new OpenOptions(true, 0, false);
    }

    public OpenOptions withL2CacheBytes(long bytes) {
        return new OpenOptions(isReadOnly, bytes, allowExternalFiles);
    }

    public OpenOptions withExternalFilesAllowed(boolean allowed) {
        return new OpenOptions(isReadOnly, l2CacheBytes, allowed);
    }
}
