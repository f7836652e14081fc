package qcowdesk.engine.qcow2;

import qcowdesk.engine.ZeroRun;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the zero runs a read meets, merging neighbours. Most reads of written data meet none, so the list is
 * made only when the first run arrives.
 */
final class ZeroRuns {

    private List<ZeroRun> runs;

    void add(long offset, long length) {
        if (length <= 0) {
            return;
        }
        if (runs == null) {
            runs = new ArrayList<>();
        } else {
            ZeroRun last = runs.get(runs.size() - 1);
            if (last.end() == offset) {
                runs.set(runs.size() - 1, new ZeroRun(last.offset(), last.length() + length));
                return;
            }
        }
        runs.add(new ZeroRun(offset, length));
    }

    List<ZeroRun> runs() {
        return runs == null ? List.of() : List.copyOf(runs);
    }
}
