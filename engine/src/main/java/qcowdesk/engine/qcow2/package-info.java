/**
 * The QCOW2 engine: {@link qcowdesk.engine.qcow2.Qcow2Image} opens an image as a
 * {@link qcowdesk.engine.VirtualDisk}; {@link qcowdesk.engine.qcow2.format.Qcow2Header} parses, validates and writes the
 * header.
 *
 * <p>Supported: versions 2 and 3; cluster sizes 512 B to 2 MiB; refcount widths 1 to 64 bits; zero clusters;
 * extended L2 entries (subclusters); compressed clusters (deflate and zstd) read, and moved to a normal cluster when
 * overwritten; backing chains of qcow2 and raw files (read-only, copy-on-write into the top image); external data
 * files (read and written, raw layout); lazy refcounts (clean images); header extensions, unknown ones preserved;
 * images with internal snapshots (the active layer is read and written; shared L2 tables and clusters are copied
 * on write, the snapshots stay intact). Refused with a specific message: encryption, unknown incompatible
 * features, writing a dirty or corrupt image.
 *
 * <p>The on-disk values (header, extensions, L1/L2/refcount entries, snapshot table, bitmap directory) are coded
 * once, in {@link qcowdesk.engine.qcow2.format}; the inspection tools in {@code qcow2.tools} read metadata through
 * it.
 */
package qcowdesk.engine.qcow2;
