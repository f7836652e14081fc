package qcowdesk.app.hex;

import javafx.scene.control.ListCell;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.layout.HBox;

/** One dump row; the bytes of a search match are drawn highlighted in both the hex and the ASCII column. */
final class HexRowCell extends ListCell<String> {

    static final Font FONT = Font.font("Monospaced", 13);
    private static final Font BOLD = Font.font("Monospaced", FontWeight.BOLD, 13);
    private static final Color MATCH = Color.web("#d97706");

    /** Match bounds as byte indexes in the sector, inclusive start and exclusive end; empty when start == end. */
    private final MatchRange match;

    HexRowCell(MatchRange match) {
        this.match = match;
        setStyle("-fx-padding: 1 8 1 8;");
    }

    /** The bytes to highlight, shared by the cells of one list and updated when a search finds something. */
    static final class MatchRange {
        int start;
        int end;
    }

    @Override
    protected void updateItem(String row, boolean empty) {
        super.updateItem(row, empty);
        setText(null);
        if (empty || row == null) {
            setGraphic(null);
            return;
        }
        int first = getIndex() * HexRows.BYTES_PER_ROW;
        int from = Math.max(match.start, first) - first;
        int to = Math.min(match.end, first + HexRows.BYTES_PER_ROW) - first;
        HBox flow = new HBox();
        if (from >= to) {
            flow.getChildren().add(plain(row));
        } else {
            int hexFrom = HexRows.hexColumn(from);
            int hexTo = HexRows.hexColumn(to - 1) + 2;
            int asciiFrom = HexRows.asciiColumn(from);
            int asciiTo = HexRows.asciiColumn(to - 1) + 1;
            flow.getChildren().addAll(plain(row.substring(0, hexFrom)), marked(row.substring(hexFrom, hexTo)),
                    plain(row.substring(hexTo, asciiFrom)), marked(row.substring(asciiFrom, asciiTo)),
                    plain(row.substring(asciiTo)));
        }
        setGraphic(flow);
    }

    private static Text plain(String text) {
        Text node = new Text(text);
        node.setFont(FONT);
        node.getStyleClass().add("text");
        return node;
    }

    private static Text marked(String text) {
        Text node = new Text(text);
        node.setFont(BOLD);
        node.setFill(MATCH);
        return node;
    }
}
