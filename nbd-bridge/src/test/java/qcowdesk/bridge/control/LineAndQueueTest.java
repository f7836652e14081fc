package qcowdesk.bridge.control;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The two bounded buffers of the control path: request lines and a watcher's event backlog. */
class LineAndQueueTest {

    private static BoundedLineReader reader(String input, int max) {
        return new BoundedLineReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void linesEndAtNewlinesWithOrWithoutCarriageReturnAndTheLastMayLackOne() throws IOException {
        BoundedLineReader in = reader("one\r\ntwo\n\nthree", 16);
        assertEquals(new BoundedLineReader.Text("one"), in.next());
        assertEquals(new BoundedLineReader.Text("two"), in.next());
        assertEquals(new BoundedLineReader.Text(""), in.next());
        assertEquals(new BoundedLineReader.Text("three"), in.next());
        assertEquals(new BoundedLineReader.End(), in.next());
    }

    @Test
    void aLineOverTheLimitIsReportedWithItsLengthAndSkippedUpToItsNewline() throws IOException {
        BoundedLineReader in = reader("12345678\n" + "x".repeat(20) + "\nnext\n" + "y".repeat(9), 8);
        assertEquals(new BoundedLineReader.Text("12345678"), in.next(), "exactly the limit is fine");
        assertEquals(new BoundedLineReader.TooLong(20), in.next());
        assertEquals(new BoundedLineReader.Text("next"), in.next());
        assertEquals(new BoundedLineReader.TooLong(9), in.next());
        assertEquals(new BoundedLineReader.End(), in.next());
    }

    @Test
    void aWatcherTooFarBehindGetsOneOverflowInsteadOfItsBacklog() throws InterruptedException {
        EventQueue queue = new EventQueue();
        for (int i = 0; i < EventQueue.CAPACITY + 10; i++) {
            queue.offer(WireFormat.message().put("n", i));
        }
        ObjectNode first = queue.take();
        assertEquals("overflow", first.path("event").asText());
        assertEquals(EventQueue.CAPACITY, queue.take().path("n").asInt(), "events after the overflow follow it");
        queue.stop();
        assertNull(queue.take());
    }
}
