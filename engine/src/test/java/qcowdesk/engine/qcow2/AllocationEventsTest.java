package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.Test;
import qcowdesk.engine.AllocationEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failing listener neither stops the others nor goes unnoticed: its first failure is logged, once. */
class AllocationEventsTest {

    @Test
    void aThrowingListenerIsLoggedOnceAndTheOthersStillHearEverything() {
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger jul = Logger.getLogger(AllocationEvents.class.getName());
        jul.addHandler(handler);
        try {
            AllocationEvents events = new AllocationEvents();
            Consumer<AllocationEvent> broken = e -> {
                throw new IllegalStateException("listener bug");
            };
            List<AllocationEvent> heard = new ArrayList<>();
            events.subscribe(broken);
            events.subscribe(heard::add);
            for (int i = 0; i < 3; i++) {
                AllocationEvents.Batch batch = events.batch();
                batch.add(i * 65536L, 65536, true);
                batch.publish(1 << 20);
            }
            assertEquals(3, heard.size());
            assertEquals(1, records.size(), "logged once, not once per event");
            assertTrue(records.get(0).getThrown() instanceof IllegalStateException);
        } finally {
            jul.removeHandler(handler);
        }
    }
}
