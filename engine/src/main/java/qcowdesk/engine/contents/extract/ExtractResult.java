package qcowdesk.engine.contents.extract;

import java.util.List;

/**
 * What an extraction did.
 *
 * @param files     regular files written (hard links counted once)
 * @param bytes     bytes of file data written (holes not counted)
 * @param problems  entries that could not be extracted, each with its reason (at most a thousand kept)
 */
public record ExtractResult(long files, long directories, long symlinks, long hardLinks, long bytes,
                            List<String> problems) {
}
