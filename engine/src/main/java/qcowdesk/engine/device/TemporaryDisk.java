package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.file.Path;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.VirtualDisk;

/**
 * A device's disk whose writes go to a temporary overlay over the image (the image itself is only read), and
 * what to do with those writes at the end.
 */
public interface TemporaryDisk {

    /** The overlay over the image, as clients see it. */
    VirtualDisk disk();

    /** Where the writes are kept until the end. */
    Path overlay();

    /** Throws unless {@code end} could be carried out now; called before a detach disturbs anything. */
    void check(TemporaryWrites end) throws EngineException;

    /** Carries out {@code end}; called once {@link #disk()} is flushed and closed. */
    void finish(TemporaryWrites end) throws IOException;
}
