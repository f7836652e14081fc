package qcowdesk.engine.device;

import java.time.Instant;

/**
 * The fields of fstat(2) on a device's open backing file.
 *
 * @param dev     ID of the device containing the file ({@code st_dev})
 * @param ino     inode number
 * @param mode    file type and permission bits ({@code st_mode}, as {@code stat -c %f} shows in hex)
 * @param nlink   number of hard links
 * @param uid     owner's user ID
 * @param gid     owner's group ID
 * @param rdev    device ID if the file is a special file, else 0
 * @param size    size in bytes
 * @param blocks  number of 512-byte blocks allocated
 * @param blksize preferred I/O block size
 * @param atime   last access
 * @param mtime   last modification
 * @param ctime   last status change
 */
public record FileStat(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev, long size,
                       long blocks, int blksize, Timespec atime, Timespec mtime, Timespec ctime) {

    /** A point in time as struct timespec holds it: whole seconds since the epoch and nanoseconds. */
    public record Timespec(long seconds, int nanos) {

        public static Timespec of(Instant instant) {
            return new Timespec(instant.getEpochSecond(), instant.getNano());
        }

        public Instant toInstant() {
            return Instant.ofEpochSecond(seconds, nanos);
        }
    }
}
