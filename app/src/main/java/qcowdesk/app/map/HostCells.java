package qcowdesk.app.map;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import javafx.scene.paint.Color;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.engine.qcow2.tools.HostMap;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/** The host-file map as the canvas sees it: each cell coloured by what the file's clusters there hold. */
public final class HostCells implements CellSource {

    private final CellMap<HostKind> map;

    public HostCells(CellMap<HostKind> map) {
        this.map = map;
    }

    public CellMap<HostKind> map() {
        return map;
    }

    /** Classifies every cluster of the image file; runs off the FX thread. */
    public static HostCells scan(InspectedImage image, int maxCells, ProgressListener progress) throws IOException {
        HostMap host = HostMap.of(image.file(), progress);
        MapGeometry geometry = MapGeometry.of(host.fileSize(), host.clusterSize(), maxCells);
        CellMap<HostKind> map = new CellMap<>(geometry, HostKind.class, HostKind.FREE);
        for (HostMap.HostExtent extent : host.extents()) {
            map.add(extent.offset(), extent.length(), HostKind.of(extent.kind()), -1);
        }
        return new HostCells(map);
    }

    @Override
    public int cellCount() {
        return map.geometry().cellCount();
    }

    @Override
    public Color color(int cell) {
        return map.dominant(cell).colour();
    }

    @Override
    public double fill(int cell) {
        return map.fill(cell);
    }

    @Override
    public String describe(int cell) {
        CellInfo info = map.describe(cell);
        return "host " + Sizes.hex(info.start()) + " – " + Sizes.hex(info.end() - 1) + " (" + Sizes.human(info.end() - info.start())
                + ")\n" + info.counts().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    Map<String, Long> clusterCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        map.clusterTotals().forEach((kind, count) -> counts.put(kind.label(), count));
        return counts;
    }

    String summary() {
        return "file " + Sizes.human(map.geometry().size()) + " · " + String.format("%,d", map.geometry().clusterCount()) + " clusters";
    }

    static Map<String, Color> colours() {
        Map<String, Color> colours = new LinkedHashMap<>();
        for (HostKind kind : HostKind.values()) {
            colours.put(kind.label(), kind.colour());
        }
        return colours;
    }
}
