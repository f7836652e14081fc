package qcowdesk.engine.qcow2.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import qcowdesk.engine.EngineException;
import qcowdesk.testkit.Qemu;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metadata damaged in the ways qemu-img check knows, each on a copy of a real image: our counts must equal qemu's
 * (leaks, corruptions, end offset, allocation statistics), and the check must not throw.
 */
class DamagedImageCheckTest {

    @TempDir
    Path dir;

    enum Damage {
        /** An L2 entry points far past the end of the file. */
        DATA_POINTER_PAST_EOF {
            @Override
            void apply(Path image, ImagePatcher.Geometry g) {
                long l2 = l2Table(image, g);
                ImagePatcher.writeLong(image, l2 + 8, (1L << 63) | (1L << 40));
            }
        },
        /** An L2 entry's host offset is not cluster aligned. */
        DATA_POINTER_UNALIGNED {
            @Override
            void apply(Path image, ImagePatcher.Geometry g) {
                long l2 = l2Table(image, g);
                ImagePatcher.writeLong(image, l2, ImagePatcher.readLong(image, l2) + 512);
            }
        },
        /** Reserved bits set in an L1 entry. */
        L1_RESERVED_BITS {
            @Override
            void apply(Path image, ImagePatcher.Geometry g) {
                ImagePatcher.writeLong(image, g.l1Offset(), ImagePatcher.readLong(image, g.l1Offset()) | 2);
            }
        },
        /** Reserved bits set in a standard L2 entry. */
        L2_RESERVED_BITS {
            @Override
            void apply(Path image, ImagePatcher.Geometry g) {
                long l2 = l2Table(image, g);
                ImagePatcher.writeLong(image, l2, ImagePatcher.readLong(image, l2) | 4);
            }
        },
        /** The COPIED flag cleared on a cluster whose refcount is 1. */
        COPIED_FLAG_MISSING {
            @Override
            void apply(Path image, ImagePatcher.Geometry g) {
                long l2 = l2Table(image, g);
                ImagePatcher.writeLong(image, l2, ImagePatcher.readLong(image, l2) & ~(1L << 63));
            }
        },
        /** An L2 table's refcount dropped to zero. */
        L2_TABLE_REFCOUNT_ZERO {
            @Override
            void apply(Path image, ImagePatcher.Geometry g) {
                ImagePatcher.setRefcount(image, l2Table(image, g) >> g.clusterBits(), 0);
            }
        },
        /** The L1 table's refcount raised to 3. */
        L1_TABLE_REFCOUNT_HIGH {
            @Override
            void apply(Path image, ImagePatcher.Geometry g) {
                ImagePatcher.setRefcount(image, g.l1Offset() >> g.clusterBits(), 3);
            }
        },
        /** Two clusters appended to the file with refcounts, used by nothing (an allocation cut short). */
        UNUSED_CLUSTERS_COUNTED {
            @Override
            void apply(Path image, ImagePatcher.Geometry g) {
                long fileClusters = image.toFile().length() >> g.clusterBits();
                ImagePatcher.write(image, (fileClusters + 2) << g.clusterBits(), ByteBuffer.allocate(g.clusterSize()));
                ImagePatcher.setRefcount(image, fileClusters, 1);
                ImagePatcher.setRefcount(image, fileClusters + 2, 1);
            }
        };

        abstract void apply(Path image, ImagePatcher.Geometry g);

        static long l2Table(Path image, ImagePatcher.Geometry g) {
            return ImagePatcher.readLong(image, g.l1Offset()) & 0x00fffffffffffe00L;
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void countsEqualQemuImgCheck(Damage damage) throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c4k"), dir);
        damage.apply(image, ImagePatcher.geometry(image));
        CheckReport ours = ImageChecker.check(image, ProgressListener.NONE);
        ImageCheckerTest.assertSameCounts(Qemu.check(image), ours);
        assertTrue(!ours.isClean(), "the damage must show: " + ours);
    }

    @Test
    void rebuildRefusesCountsThatItsRefcountWidthCannotHold() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-refcount1"), dir);
        ImagePatcher.Geometry g = ImagePatcher.geometry(image);
        long l2 = Damage.l2Table(image, g);
        // Guest cluster 2 (never written) now shares guest cluster 0's host cluster: a reference count of 2.
        ImagePatcher.writeLong(image, l2 + 16, ImagePatcher.readLong(image, l2) & ~(1L << 63));
        ImagePatcher.setRefcount(image, l2 >> g.clusterBits(), 0);
        ImageCheckerTest.assertSameCounts(Qemu.check(image), ImageChecker.check(image, ProgressListener.NONE));
        byte[] before = Files.readAllBytes(image);
        EngineException e = assertThrows(EngineException.class,
                () -> ImageChecker.repair(image, RepairMode.ALL, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("more than 1-bit refcounts can hold"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(image), "a refused rebuild must not write");
    }

    @ParameterizedTest
    @EnumSource(value = Damage.class, names = {"COPIED_FLAG_MISSING", "L2_TABLE_REFCOUNT_ZERO",
            "L1_TABLE_REFCOUNT_HIGH", "UNUSED_CLUSTERS_COUNTED"})
    void fullRepairLeavesQemuNothingToReportAndTheDataAlone(Damage damage) throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c4k"), dir);
        damage.apply(image, ImagePatcher.geometry(image));
        Path expected = ImagePatcher.raw(image, dir.resolve("expected.raw"));
        RepairReport repair = ImageChecker.repair(image, RepairMode.ALL, ProgressListener.NONE);
        assertTrue(repair.after().isClean(), repair.after().messages().toString());
        ImageCheckerTest.assertQemuClean(image);
        ImagePatcher.assertGuestDataEquals(expected, image, dir);
    }
}
