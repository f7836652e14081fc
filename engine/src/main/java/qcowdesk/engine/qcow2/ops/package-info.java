/**
 * The image lifecycle operations: measure, compare, convert, resize, compact. Each reads its inputs through the
 * image's public read API and writes new images through {@link qcowdesk.engine.qcow2.tools.ImageBuilder}, so the
 * on-disk encoding stays in the format classes; an operation that replaces an image builds the result beside it
 * and renames it into place only after it verified.
 */
package qcowdesk.engine.qcow2.ops;
