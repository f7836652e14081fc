package qcowdesk.engine.contents.ext;

import java.io.IOException;
import java.util.function.Consumer;

/** How a file's logical blocks are found: an extent tree or the ext2/3 indirect block map. */
interface BlockMapping {

    /** The run containing {@code logical} (a hole run when unmapped), never longer than {@code limit} blocks. */
    Run find(long logical, long limit) throws IOException;

    /** Every mapped run in logical order; blocks of the mapping itself (tree nodes, indirect blocks) to {@code meta}. */
    void walk(Consumer<Run> data, Consumer<Long> meta) throws IOException;
}
