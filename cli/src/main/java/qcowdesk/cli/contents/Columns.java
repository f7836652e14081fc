package qcowdesk.cli.contents;

import java.util.ArrayList;
import java.util.List;

/** A text table whose columns are as wide as their widest cell; numbers right-aligned, text left-aligned. */
final class Columns {

    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    Columns(boolean... rightAligned) {
        this.right = rightAligned;
    }

    Columns row(String... cells) {
        rows.add(cells);
        return this;
    }

    String render() {
        int[] width = new int[right.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                if (i > 0) {
                    line.append(' ');
                }
                String pad = " ".repeat(width[i] - r[i].length());
                line.append(right[i] ? pad + r[i] : r[i] + (i == r.length - 1 ? "" : pad));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
