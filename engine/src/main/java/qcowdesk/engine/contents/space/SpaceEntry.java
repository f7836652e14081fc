package qcowdesk.engine.contents.space;

/** A file or directory and the bytes of allocated image clusters its data occupies (directories: all below). */
public record SpaceEntry(String path, boolean directory, long allocatedBytes) {
}
