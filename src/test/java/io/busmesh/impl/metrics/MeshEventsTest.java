package io.busmesh.impl.metrics;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MeshEventsTest {

  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void keepsTheNewestUpToItsCapacityAndGivesThoseAfterASequenceNumber() {
    MeshEvents events = new MeshEvents(3, now::get);
    for (int i = 1; i <= 5; i++) {
      now.addAndGet(10);
      events.record(MeshEvents.Kind.BREAKER_OPEN, "calculator", "event " + i);
    }

    JsonArray kept = events.since(0);
    assertEquals(3, kept.size(), "the two oldest went");
    assertEquals("event 3", kept.getJsonObject(0).getString("text"));
    assertEquals(3L, kept.getJsonObject(0).getLong("seq"));
    assertEquals(1_030L, kept.getJsonObject(0).getLong("atMs"));
    assertEquals("BREAKER_OPEN", kept.getJsonObject(0).getString("kind"));
    assertEquals(1, events.since(4).size());
    assertEquals("event 5", events.since(4).getJsonObject(0).getString("text"));
    assertEquals(0, events.since(5).size());
  }

  @Test
  void whatItGivesIsACopy() {
    MeshEvents events = new MeshEvents(3, now::get);
    events.record(MeshEvents.Kind.STRATEGY, "calculator", "now p2c");
    events.since(0).getJsonObject(0).put("text", "changed by a reader");

    assertEquals("now p2c", events.since(0).getJsonObject(0).getString("text"));
  }
}
