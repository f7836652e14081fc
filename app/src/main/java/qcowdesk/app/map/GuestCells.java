package qcowdesk.app.map;

import java.util.stream.Collectors;

import javafx.scene.paint.Color;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.app.inspect.Sizes;

/** The guest map as the canvas sees it: cells coloured by their main status, described for hovering. */
public final class GuestCells implements CellSource {

    private final CellMap<GuestStatus> map;

    public GuestCells(CellMap<GuestStatus> map) {
        this.map = map;
    }

    public CellMap<GuestStatus> map() {
        return map;
    }

    @Override
    public int cellCount() {
        return map.geometry().cellCount();
    }

    @Override
    public Color color(int cell) {
        return Palette.of(map.dominant(cell));
    }

    @Override
    public double fill(int cell) {
        return map.fill(cell);
    }

    @Override
    public String describe(int cell) {
        return describe(map.describe(cell), map.geometry());
    }

    /** "guest 0x10000–0x1ffff (64.0 KiB) · host 0x50000 · data 1 cluster". */
    static String describe(CellInfo info, MapGeometry geometry) {
        StringBuilder text = new StringBuilder();
        text.append("guest ").append(Sizes.hex(info.start())).append(" – ").append(Sizes.hex(info.end() - 1))
                .append(" (").append(Sizes.human(info.end() - info.start())).append(")\n");
        text.append(info.hostOffset() < 0 ? "host: none" : "host " + Sizes.hex(info.hostOffset())
                + (geometry.clustersPerCell() > 1 ? " (first stored cluster)" : "")).append('\n');
        text.append(info.counts().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue() + (e.getValue() == 1 ? " cluster" : " clusters"))
                .collect(Collectors.joining(", ")));
        if (geometry.clustersPerCell() > 1) {
            text.append("\ndouble-click for a closer look");
        }
        return text.toString();
    }
}
