package qcowdesk.app.map;

import java.util.function.IntConsumer;

import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.geometry.Orientation;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Background;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.util.Duration;

/**
 * A scrollable, zoomable grid of map cells. The canvas is only as large as the viewport and only the
 * visible rows are drawn, so a map of 65536 cells costs what is on screen.
 */
public final class MapCanvas extends Region {

    public static final int MIN_CELL = 4;
    public static final int MAX_CELL = 40;
    static final Color EMPTY = Color.web("#e5e7eb");
    /** Empty cells on a dark theme: light grey would glare there. */
    private static final Color EMPTY_ON_DARK = Color.web("#30363d");
    /** The frame of a highlighted cell. */
    private static final Color HIGHLIGHT = Color.web("#f97316");

    private final Canvas canvas = new Canvas();
    private final ScrollBar scroll = new ScrollBar();
    private final Tooltip tooltip = new Tooltip();
    private final IntegerProperty cellSize = new SimpleIntegerProperty(this, "cellSize", 12);
    private CellSource source;
    private Color empty = EMPTY;
    private IntConsumer onCellOpened;
    /** The cell the next layout scrolls to, or -1. */
    private int focusCell = -1;
    /** Set by a new source: the next layout picks the cell size that shows the whole map, if it can. */
    private boolean fitPending;
    /** Cells outlined (a file's clusters, from the Contents tab). */
    private java.util.BitSet highlighted = new java.util.BitSet();
    /** More to say about a cell than its source knows (what the guest keeps there), or "". */
    private java.util.function.IntFunction<String> notes = cell -> "";

    public MapCanvas() {
        getStyleClass().add("map-canvas");
        // The theme's background (when the theme defines it) tells whether empty cells should be light or dark.
        setStyle("-fx-background-color: -color-bg-default;");
        backgroundProperty().addListener((obs, old, now) -> redraw());
        scroll.setOrientation(Orientation.VERTICAL);
        getChildren().addAll(canvas, scroll);
        scroll.valueProperty().addListener((obs, old, value) -> redraw());
        cellSize.addListener((obs, old, value) -> requestLayout());
        tooltip.setShowDelay(Duration.millis(150));
        tooltip.setHideDelay(Duration.millis(100));
        Tooltip.install(canvas, tooltip);
        canvas.addEventHandler(MouseEvent.MOUSE_MOVED, this::hover);
        canvas.addEventHandler(MouseEvent.MOUSE_CLICKED, event -> {
            int cell = cellAt(event.getX(), event.getY());
            if (event.getClickCount() == 2 && cell >= 0 && onCellOpened != null) {
                onCellOpened.accept(cell);
            }
        });
        addEventFilter(ScrollEvent.SCROLL, this::wheel);
    }

    /** Pixels per cell side, {@value #MIN_CELL}..{@value #MAX_CELL}. */
    public IntegerProperty cellSizeProperty() {
        return cellSize;
    }

    public void zoom(int steps) {
        int size = cellSize.get();
        for (int i = 0; i < Math.abs(steps); i++) {
            size = steps > 0 ? size + Math.max(1, size / 4) : size - Math.max(1, size / 5);
        }
        cellSize.set(Math.max(MIN_CELL, Math.min(MAX_CELL, size)));
    }

    /** What a double click on a cell does (the map pane zooms into the region around it). */
    public void setOnCellOpened(IntConsumer action) {
        this.onCellOpened = action;
    }

    public void setSource(CellSource source) {
        setSource(source, 0);
    }

    /** Shows {@code source} scrolled so that {@code focusCell} is in view (near the top). */
    public void setSource(CellSource source, int focusCell) {
        this.source = source;
        this.fitPending = source != null;
        this.focusCell = focusCell;
        scroll.setValue(0);
        requestLayout();
        redraw();
    }

    /** The cell under a point of this node, or -1. */
    public int cellAt(double x, double y) {
        if (source == null || x < 0 || y < 0 || x >= columns() * cellSize.get()) {
            return -1;
        }
        long row = (long) ((y + scroll.getValue()) / cellSize.get());
        long cell = row * columns() + (long) (x / cellSize.get());
        return cell < source.cellCount() ? (int) cell : -1;
    }

    /** Draws the visible cells again: call after the source changed. */
    public void redraw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double width = canvas.getWidth();
        double height = canvas.getHeight();
        g.clearRect(0, 0, width, height);
        if (source == null || width <= 0 || height <= 0) {
            return;
        }
        int size = cellSize.get();
        int columns = columns();
        double offset = scroll.getValue();
        long firstRow = (long) (offset / size);
        long lastRow = (long) ((offset + height) / size);
        double gap = 1;
        empty = emptyColour();
        for (long row = firstRow; row <= lastRow; row++) {
            double y = row * size - offset;
            for (int column = 0; column < columns; column++) {
                long cell = row * columns + column;
                if (cell >= source.cellCount()) {
                    return;
                }
                drawCell(g, (int) cell, column * size, y, size - gap);
            }
        }
    }

    /** Outlines {@code cells} (an empty set clears), and redraws. */
    public void setHighlighted(java.util.BitSet cells) {
        highlighted = (java.util.BitSet) cells.clone();
        redraw();
    }

    /** The outlined cells; for tests. */
    public java.util.BitSet highlighted() {
        return (java.util.BitSet) highlighted.clone();
    }

    /** Adds a line of {@code notes} to each cell's tooltip. */
    public void setNotes(java.util.function.IntFunction<String> notes) {
        this.notes = notes;
    }

    /** The tooltip text of a cell. */
    public String describe(int cell) {
        String extra = notes.apply(cell);
        return source.describe(cell) + (extra.isEmpty() ? "" : "\n" + extra);
    }

    private void drawCell(GraphicsContext g, int cell, double x, double y, double side) {
        if (highlighted.get(cell)) {
            g.setFill(HIGHLIGHT);
            g.fillRect(x - 1, y - 1, side + 2, side + 2);
            x += 2;
            y += 2;
            side -= 4;
        }
        double fill = source.fill(cell);
        g.setFill(empty);
        g.fillRect(x, y, side, side);
        if (fill <= 0) {
            return;
        }
        // A partly used group of clusters is tinted with its colour, so even one used cluster in a
        // thousand stands out, and filled solid from the bottom in proportion to its use.
        Color colour = source.color(cell);
        if (fill < 1) {
            g.setFill(Color.color(colour.getRed(), colour.getGreen(), colour.getBlue(), 0.35));
            g.fillRect(x, y, side, side);
        }
        double height = Math.max(1, Math.round(side * fill));
        g.setFill(colour);
        g.fillRect(x, y + side - height, side, height);
    }

    /** The largest cell size (up to a comfortable 24 px) at which {@code cells} fit in the viewport. */
    static int fittingCellSize(int cells, double width, double height) {
        for (int size = 24; size > MIN_CELL; size--) {
            long columns = (long) (width / size);
            long rows = columns == 0 ? Long.MAX_VALUE : (cells + columns - 1) / columns;
            if (rows * size <= height) {
                return size;
            }
        }
        return MIN_CELL;
    }

    private Color emptyColour() {
        Background background = getBackground();
        if (background != null && !background.getFills().isEmpty()
                && background.getFills().get(0).getFill() instanceof Color colour && colour.getBrightness() < 0.5) {
            return EMPTY_ON_DARK;
        }
        return EMPTY;
    }

    /** Cells per row at the current width and cell size. */
    public int columns() {
        return Math.max(1, (int) (canvas.getWidth() / cellSize.get()));
    }

    @Override
    protected void layoutChildren() {
        double barWidth = scroll.prefWidth(-1);
        double width = Math.max(0, getWidth() - barWidth);
        double height = getHeight();
        canvas.setWidth(width);
        canvas.setHeight(height);
        if (fitPending && width > 0 && height > 0) {
            fitPending = false;
            cellSize.set(fittingCellSize(source.cellCount(), width, height));
        }
        scroll.resizeRelocate(width, 0, barWidth, height);
        long cells = source == null ? 0 : source.cellCount();
        long rows = (cells + columns() - 1) / columns();
        double content = rows * (double) cellSize.get();
        scroll.setMax(Math.max(0, content - height));
        scroll.setVisibleAmount(height <= 0 || content <= 0 ? 1 : height * scroll.getMax() / content);
        scroll.setUnitIncrement(cellSize.get());
        scroll.setBlockIncrement(Math.max(cellSize.get(), height - cellSize.get()));
        if (focusCell >= 0 && height > 0) {
            long focusRow = focusCell / columns();
            scroll.setValue(Math.max(0, (focusRow - 2) * (double) cellSize.get()));
            focusCell = -1;
        }
        scroll.setValue(Math.min(scroll.getValue(), scroll.getMax()));
        scroll.setDisable(scroll.getMax() <= 0);
        redraw();
    }

    @Override
    protected double computePrefWidth(double height) {
        return 640;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 400;
    }

    private void hover(MouseEvent event) {
        int cell = cellAt(event.getX(), event.getY());
        tooltip.setText(cell < 0 ? "" : describe(cell));
    }

    private void wheel(ScrollEvent event) {
        if (event.isControlDown()) {
            zoom(event.getDeltaY() > 0 ? 1 : -1);
        } else {
            scroll.setValue(Math.max(0, Math.min(scroll.getMax(), scroll.getValue() - event.getDeltaY())));
        }
        event.consume();
    }
}
