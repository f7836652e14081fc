package qcowdesk.app.map;

import java.util.Map;

import javafx.scene.paint.Color;
import qcowdesk.app.inspect.GuestStatus;

/** The colours of the map legends: one per guest status. */
public final class Palette {

    private static final Map<GuestStatus, Color> GUEST = Map.of(
            GuestStatus.UNALLOCATED, MapCanvas.EMPTY,
            GuestStatus.DATA, Color.web("#2563eb"),
            GuestStatus.ZERO, Color.web("#84cc16"),
            GuestStatus.COMPRESSED, Color.web("#9333ea"),
            GuestStatus.BACKING, Color.web("#f59e0b"));

    private Palette() {
    }

    public static Color of(GuestStatus status) {
        return GUEST.get(status);
    }
}
