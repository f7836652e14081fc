package qcowdesk.app.hex;

import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;

/**
 * Where the hex view is on the disk: the current sector (LBA, in the device's sector size) and the last
 * search match. Pure navigation rules, no I/O and no nodes, so it tests without a screen.
 */
public final class HexModel {

    private final long diskSize;
    private final int sectorSize;
    private final ReadOnlyLongWrapper lba = new ReadOnlyLongWrapper(this, "lba", 0);
    /** Guest offset of the last match found, or -1; the next search starts just after it. */
    private long lastMatch = -1;

    public HexModel(long diskSize, int sectorSize) {
        if (sectorSize <= 0) {
            throw new IllegalArgumentException("sector size must be positive, not " + sectorSize);
        }
        this.diskSize = diskSize;
        this.sectorSize = sectorSize;
    }

    public ReadOnlyLongProperty lbaProperty() {
        return lba.getReadOnlyProperty();
    }

    public long lba() {
        return lba.get();
    }

    public int sectorSize() {
        return sectorSize;
    }

    /** Sectors on the disk (a partial last sector counts). */
    public long sectorCount() {
        return (diskSize + sectorSize - 1) / sectorSize;
    }

    /** Guest byte offset of the current sector. */
    public long offset() {
        return lba() * sectorSize;
    }

    public void goToLba(long target) {
        if (target < 0 || target >= sectorCount()) {
            throw new IllegalArgumentException("Sector " + target + " is outside the disk (sectors 0 to " + (sectorCount() - 1)
                    + " of " + sectorSize + " bytes)");
        }
        lba.set(target);
    }

    /** Goes to the sector holding byte {@code offset}. */
    public void goToOffset(long offset) {
        if (offset < 0 || offset >= diskSize) {
            throw new IllegalArgumentException("Offset " + offset + " is outside the disk (0 to " + (diskSize - 1) + ")");
        }
        lba.set(offset / sectorSize);
    }

    public boolean hasNext() {
        return lba() + 1 < sectorCount();
    }

    public boolean hasPrevious() {
        return lba() > 0;
    }

    public void next() {
        if (hasNext()) {
            lba.set(lba() + 1);
        }
    }

    public void previous() {
        if (hasPrevious()) {
            lba.set(lba() - 1);
        }
    }

    /** Where a forward search starts: after the last match when it is in the current sector, else the sector's start. */
    public long searchStart() {
        return lastMatch >= offset() && lastMatch < offset() + sectorSize ? lastMatch + 1 : offset();
    }

    /** Records a match and shows its sector. */
    public void found(long offset) {
        goToOffset(offset);
        lastMatch = offset;
    }

    /** Index in the current sector of the last match, or -1 when it is elsewhere. */
    public int matchInSector() {
        return lastMatch >= offset() && lastMatch < offset() + sectorSize ? (int) (lastMatch - offset()) : -1;
    }

    /** Parses what the user typed as a sector or offset: decimal, or hex with 0x; a clear message otherwise. */
    public static long parseNumber(String text, String what) {
        String value = text.strip().replace("_", "").replace(",", "");
        try {
            if (value.startsWith("0x") || value.startsWith("0X")) {
                return Long.parseUnsignedLong(value.substring(2), 16);
            }
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a " + what + ": \"" + text.strip() + "\" (a decimal number, or hex like 0x1f000)");
        }
    }
}
