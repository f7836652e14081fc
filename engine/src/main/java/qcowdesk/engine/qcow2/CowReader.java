package qcowdesk.engine.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;

/** What the guest writer needs for copy on write: the current guest bytes of one cluster. */
interface CowReader {

    /** Fills {@code dst} with the guest bytes at {@code pos}, all within one cluster. Caller holds the lock. */
    void readWithinCluster(long pos, ByteBuffer dst) throws IOException;
}
