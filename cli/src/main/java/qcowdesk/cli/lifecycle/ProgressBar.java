package qcowdesk.cli.lifecycle;

import java.io.PrintWriter;

import qcowdesk.engine.qcow2.tools.ProgressListener;

/**
 * qemu-img's {@code -p}: "    (12.34/100%)" redrawn in place on the terminal, updated when the value moved by
 * at least a hundredth, and a newline at the end.
 */
final class ProgressBar implements ProgressListener {

    private final PrintWriter out;
    private double shown = -1;

    private ProgressBar(PrintWriter out) {
        this.out = out;
    }

    /** A bar on {@code out}, or one that prints nothing. */
    static ProgressBar on(boolean enabled, PrintWriter out) {
        return new ProgressBar(enabled ? out : null);
    }

    @Override
    public synchronized void onProgress(String phase, long done, long total) {
        if (out == null) {
            return;
        }
        double percent = total <= 0 ? 100 : Math.min(100, done * 100.0 / total);
        if (shown < 0 || percent - shown >= 0.01 || percent == 100 && shown != 100) {
            shown = percent;
            out.printf("    (%.2f/100%%)\r", percent);
            out.flush();
        }
    }

    void done() {
        if (out != null) {
            onProgress("", 1, 1);
            out.println();
        }
    }
}
