package qcowdesk.app.image;

/** One named value about an image, grouped by category, as the info sheet shows it. */
public record Fact(String category, String name, String value) {
}
