package qcowdesk.app.growth;

import java.nio.file.Files;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.InspectionView;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.app.background.TaskExecutor;
import qcowdesk.app.background.TaskSlot;

/**
 * File size and allocated clusters over time, sampled twice a second from running totals that allocation
 * events keep current, so sampling never touches the disk on the FX thread.
 */
public class GrowthPane extends BorderPane implements InspectionView {

    static final String EMPTY_ID = "growth-empty";
    static final String CURRENT_ID = "growth-current";
    static final String NOTE_ID = "growth-note";
    static final Duration SAMPLE_PERIOD = Duration.millis(500);
    /** How often the totals are recounted from the map, correcting what events cannot see (metadata growth). */
    static final Duration RESCAN_PERIOD = Duration.seconds(15);
    private static final double MIB = 1024.0 * 1024.0;

    private final GrowthModel model = new GrowthModel(GrowthModel.DEFAULT_CAPACITY);
    private final XYChart.Series<Number, Number> fileSeries = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> clusterSeries = new XYChart.Series<>();
    private final Label title = new Label("No image selected");
    private final Label current = new Label();
    private final Label note = new Label();
    /** Said instead of the charts when the image cannot grow while shown: a lone dot on a tiny axis says nothing. */
    private final Label empty = new Label();
    private final VBox charts;
    private final Timeline sampler = new Timeline(new KeyFrame(SAMPLE_PERIOD, e -> sample()));
    private final Timeline rescanner = new Timeline(new KeyFrame(RESCAN_PERIOD, e -> rescan()));

    private InspectedImage image;
    private AllocationCounter counter;
    private final TaskSlot scanning;
    private long startNanos;

    /** Counting runs on {@code executor}. */
    public GrowthPane(TaskExecutor executor) {
        scanning = new TaskSlot(executor);
        getStyleClass().add("inspection-view");
        sampler.setCycleCount(Timeline.INDEFINITE);
        rescanner.setCycleCount(Timeline.INDEFINITE);
        fileSeries.setName("file size (MiB)");
        clusterSeries.setName("allocated clusters");
        title.getStyleClass().add("title-4");
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        setTop(new ToolBar(title, spring, current));
        charts = new VBox(4, chart("File size (MiB)", fileSeries), chart("Allocated clusters", clusterSeries));
        charts.setPadding(new Insets(4));
        empty.setId(EMPTY_ID);
        current.setId(CURRENT_ID);
        note.setId(NOTE_ID);
        empty.setWrapText(true);
        empty.setMaxWidth(460);
        empty.getStyleClass().add("title-4");
        charts.visibleProperty().bind(empty.textProperty().isEmpty());
        empty.visibleProperty().bind(charts.visibleProperty().not());
        setCenter(new StackPane(charts, empty));
        note.setPadding(new Insets(4, 8, 6, 8));
        note.setWrapText(true);
        setBottom(note);
        clear();
    }

    private static LineChart<Number, Number> chart(String label, XYChart.Series<Number, Number> series) {
        NumberAxis time = new NumberAxis();
        time.setLabel("seconds");
        time.setForceZeroInRange(false);
        NumberAxis value = new NumberAxis();
        value.setLabel(label);
        value.setForceZeroInRange(false);
        LineChart<Number, Number> chart = new LineChart<>(time, value);
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setLegendVisible(false);
        chart.getData().add(series);
        VBox.setVgrow(chart, Priority.ALWAYS);
        return chart;
    }

    @Override
    public void show(InspectedImage image) {
        clear();
        this.image = image;
        this.counter = new AllocationCounter(image.disk());
        title.setText(image.name());
        boolean growing = image.live() && !image.disk().isReadOnly();
        empty.setText(!image.live() ? "Not attached: " + image.name() + " cannot change while it is shown here. "
                + "Attach it read-write to watch it grow as clients write."
                : growing ? "" : "Attached read-only: clients cannot write to " + image.name() + ", so it does not grow.");
        note.setText(growing ? "Attached read-write: sampled twice a second while clients write." : "");
        startNanos = System.nanoTime();
        rescan();
        if (image.live()) {
            sampler.play();
            rescanner.play();
        }
    }

    @Override
    public void clear() {
        sampler.stop();
        rescanner.stop();
        scanning.cancel();
        if (counter != null) {
            counter.close();
            counter = null;
        }
        image = null;
        model.clear();
        fileSeries.getData().clear();
        clusterSeries.getData().clear();
        title.setText("No image selected");
        current.setText("");
        note.setText("");
        empty.setText("No image selected: choose one in the library, then attach it to watch it grow.");
    }

    /** The samples shown; for tests. */
    public GrowthModel model() {
        return model;
    }

    private void rescan() {
        if (scanning.busy() || counter == null) {
            return;
        }
        InspectedImage shown = image;
        AllocationCounter totals = counter;
        scanning.start("Counting allocated clusters", progress -> {
            totals.baseline(shown.disk(), Files.size(shown.file()), progress::isCancelled);
            return null;
        }, done -> sample(),
                failure -> note.setText("Cannot count the allocated clusters: " + failure.getMessage()));
    }

    private void sample() {
        if (counter == null) {
            return;
        }
        GrowthSample sample = new GrowthSample((System.nanoTime() - startNanos) / 1e9, counter.fileSize(), counter.allocatedClusters());
        if (model.add(sample) != null) {
            fileSeries.getData().remove(0);
            clusterSeries.getData().remove(0);
        }
        fileSeries.getData().add(new XYChart.Data<>(sample.seconds(), sample.fileSize() / MIB));
        clusterSeries.getData().add(new XYChart.Data<>(sample.seconds(), sample.allocatedClusters()));
        current.setText("file " + Sizes.human(sample.fileSize()) + " · " + String.format("%,d", sample.allocatedClusters())
                + " clusters allocated");
    }
}
