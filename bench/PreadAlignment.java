import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * CPU time of reading a cached file with 256 KiB positional reads into a direct buffer that starts at a given
 * offset within a page: the kernel's copy from the page cache into the buffer is what an NBD READ costs most.
 * Run: java bench/PreadAlignment.java FILE ROUNDS OFFSET,OFFSET,... (read FILE once beforehand so it is cached).
 * One line per round: offset:milliseconds of CPU for the whole file.
 */
public class PreadAlignment {

    private static final int CHUNK = 256 << 10;

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int[] offsets = java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        try (FileChannel file = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ)) {
            ByteBuffer page = ByteBuffer.allocateDirect(CHUNK + 2 * 4096).alignedSlice(4096);
            for (int round = 0; round < Integer.parseInt(args[1]); round++) {
                StringBuilder line = new StringBuilder();
                for (int offset : offsets) {
                    ByteBuffer dst = page.duplicate().position(offset).limit(offset + CHUNK).slice();
                    long start = threads.getCurrentThreadCpuTime();
                    for (long pos = 0; pos + CHUNK <= file.size(); pos += CHUNK) {
                        file.read(dst.clear(), pos);
                    }
                    line.append(String.format("%d:%.0f ", offset, (threads.getCurrentThreadCpuTime() - start) / 1e6));
                }
                System.out.println(line.toString().trim());
            }
        }
    }
}
