package qcowdesk.engine.qcow2;

import qcowdesk.engine.ZeroRun;

import java.util.ArrayList;
import java.util.List;

/** Collects the zero runs a read meets, merging neighbours. */
final class ZeroRuns {

    private final List<ZeroRun> runs = new ArrayList<>();

    void add(long offset, long length) {
        if (length <= 0) {
            return;
        }
        if (!runs.isEmpty()) {
            ZeroRun last = runs.get(runs.size() - 1);
            if (last.end() == offset) {
                runs.set(runs.size() - 1, new ZeroRun(last.offset(), last.length() + length));
                return;
            }
        }
        runs.add(new ZeroRun(offset, length));
    }

    List<ZeroRun> runs() {
        return List.copyOf(runs);
    }
}
