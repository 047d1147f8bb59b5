package io.busmesh.impl.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The mesh's recent events on this node, for the dashboard: breakers opening and closing, replicas
 * joining and leaving, nodes leaving, ejections, panic, strategy switches. Bounded: the oldest go
 * first. Events are rare and recorded off the path of calls, so one lock is enough.
 */
public final class MeshEvents {

  /** What happened; the dashboard colours an event by its kind. */
  public enum Kind { BREAKER_OPEN, BREAKER_HALF_OPEN, BREAKER_CLOSED, REPLICA_JOINED, REPLICA_LEFT, NODE_LEFT,
    EJECTED, PANIC, PANIC_OVER, STRATEGY }

  public static final int DEFAULT_CAPACITY = 100;

  private final int capacity;
  private final LongSupplier epochMillis;
  private final ArrayDeque<JsonObject> events = new ArrayDeque<>();
  private long sequence;

  /** @param epochMillis the wall clock events are stamped with */
  public MeshEvents(int capacity, LongSupplier epochMillis) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.epochMillis = epochMillis;
  }

  /**
   * Records an event. {@code service} and {@code text} may come from the network: the page shows them
   * as text, never as markup.
   */
  public synchronized void record(Kind kind, String service, String text) {
    if (events.size() == capacity) {
      events.removeFirst();
    }
    events.addLast(new JsonObject().put("seq", ++sequence).put("atMs", epochMillis.getAsLong())
        .put("kind", kind.name()).put("service", service).put("text", text));
  }

  /** The events recorded after {@code afterSeq} that are still kept, oldest first. */
  public synchronized JsonArray since(long afterSeq) {
    JsonArray result = new JsonArray();
    for (JsonObject event : events) {
      if (event.getLong("seq") > afterSeq) {
        result.add(event.copy());
      }
    }
    return result;
  }
}
