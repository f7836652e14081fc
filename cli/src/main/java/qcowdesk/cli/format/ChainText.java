package qcowdesk.cli.format;

import java.util.List;

import qcowdesk.engine.qcow2.ChainFile;

/** The files an image opens, one per line, with what needs consent; appended to {@code qcowctl info}. */
public final class ChainText {

    private ChainText() {
    }

    public static String render(List<ChainFile> chain) {
        StringBuilder out = new StringBuilder("Files opened:\n");
        for (ChainFile file : chain) {
            out.append("    ").append(file.role().label()).append(": ").append(file.path());
            if (!file.name().equals(file.path().toString()) && file.role() != ChainFile.Role.IMAGE) {
                out.append(" (named '").append(file.name()).append("')");
            }
            if (file.format() != null && file.role() != ChainFile.Role.IMAGE) {
                out.append(", ").append(file.format());
            }
            if (!file.exists()) {
                out.append(", missing");
            }
            if (file.needsConsent()) {
                out.append("\n        refused without --allow-external-files: ")
                        .append(String.join("; ", file.concerns()));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
