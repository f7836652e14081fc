package qcowdesk.bridge.nbd;

import qcowdesk.engine.device.Device;

/**
 * The block size constraints advertised with NBD_INFO_BLOCK_SIZE.
 *
 * @param minimum   the device's sector size: smaller or unaligned requests are refused with EINVAL
 * @param preferred the cluster size (at least 4 KiB and the sector size): smaller writes to fresh clusters
 *                  make the engine fill the rest of the cluster
 * @param maximum   the largest READ/WRITE payload accepted
 */
record BlockSizes(int minimum, int preferred, int maximum) {

    /**
     * Largest payload of a single READ or WRITE; bigger requests are refused without allocating a buffer.
     * 16 MiB rather than qemu-nbd's 32: one such payload must fit in one connection's share (half) of the buffer budget
     * ({@link NbdServer.Config#DEFAULT_BUFFER_BUDGET}), and clients split larger transfers by what we advertise.
     */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    private static final int MIN_PREFERRED = 4096;

    static BlockSizes of(Device device) {
        int sector = device.sectorSize();
        int preferred = Math.max(Math.max(MIN_PREFERRED, sector), device.disk().clusterSize());
        return new BlockSizes(sector, Math.min(preferred, MAX_PAYLOAD), MAX_PAYLOAD);
    }
}
