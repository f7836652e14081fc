package qcowdesk.engine.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

import org.junit.jupiter.api.Test;

class LogAndThreadsTest {

    @Test
    void peerMessagesGoThroughTheInstalledPolicyAndAreBuiltOnlyByIt() {
        List<String> seen = new CopyOnWriteArrayList<>();
        PeerLog.Policy previous = PeerLog.install((logger, level, message, thrown) ->
                seen.add(level + " " + logger.getName() + " " + message.get()));
        try {
            PeerLog log = Log.of(LogAndThreadsTest.class).peer();
            log.warn(() -> "client 1 misbehaved");
            log.debug(() -> "client 1 left");
            assertEquals(List.of(
                    "WARNING " + LogAndThreadsTest.class.getName() + " client 1 misbehaved",
                    "DEBUG " + LogAndThreadsTest.class.getName() + " client 1 left"), seen);

            // a policy that drops (a rate limiter) must not pay for building the message
            PeerLog.install((logger, level, message, thrown) -> { });
            log.warn(() -> {
                throw new AssertionError("a dropped message was built");
            });
        } finally {
            PeerLog.install(previous);
        }
    }

    @Test
    void threadsAreDaemonsNamedAsAsked() throws InterruptedException {
        ThreadFactory numbered = DaemonThreads.numbered("pool");
        Thread first = numbered.newThread(() -> { });
        Thread second = numbered.newThread(() -> { });
        assertEquals("pool-1", first.getName());
        assertEquals("pool-2", second.getName());
        assertTrue(first.isDaemon() && second.isDaemon());
        assertEquals("single", DaemonThreads.named("single").newThread(() -> { }).getName());

        Thread started = DaemonThreads.start("started", () -> { });
        started.join(5_000);
        assertTrue(started.isDaemon());
        assertEquals("started", started.getName());
    }
}
