package qcowdesk.engine.contents.space;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;

/** A file's guest byte ranges (data, then its block-map metadata), hence the image clusters it lives in. */
public final class FileClusters {

    private FileClusters() {
    }

    /** Merged [start, end) guest ranges of the file's data, in file order. */
    public static List<long[]> guestRanges(Volume volume, FileSystemReader fs, FileNode file) throws IOException {
        long base = volume.source().diskOffset();
        List<long[]> out = new ArrayList<>();
        fs.extents(file, e -> {
            long s = base + e.volumeOffset();
            if (!out.isEmpty() && out.get(out.size() - 1)[1] == s) {
                out.get(out.size() - 1)[1] = s + e.length();
            } else {
                out.add(new long[] {s, s + e.length()});
            }
        });
        return out;
    }

    /** The distinct cluster numbers ({@code offset / clusterSize}) of the ranges, ascending runs [first, last]. */
    public static List<long[]> clusterRuns(List<long[]> ranges, int clusterSize) {
        List<long[]> runs = new ArrayList<>();
        for (long[] r : ranges) {
            long first = r[0] / clusterSize;
            long last = (r[1] - 1) / clusterSize;
            if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] >= first - 1) {
                runs.get(runs.size() - 1)[1] = Math.max(runs.get(runs.size() - 1)[1], last);
            } else {
                runs.add(new long[] {first, last});
            }
        }
        return runs;
    }
}
