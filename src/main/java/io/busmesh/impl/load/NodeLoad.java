package io.busmesh.impl.load;

import io.busmesh.Replica;
import io.busmesh.ServiceOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * Another node's entry of the load map, checked field by field: it steers this node's traffic
 * (in-flight counts) and retries (budget counts), so a negative or absurd figure, or an entry too
 * large to be real, invalidates the whole entry rather than being used.
 *
 * @param inFlight per replica address of that node, the calls its replica is executing
 * @param budgets  per service it serves, the {first attempts, retries} its replicas received in the budget window
 */
record NodeLoad(Map<String, Long> inFlight, Map<String, long[]> budgets) {

  /** More calls executing at one replica than it can hold. */
  static final long MAX_IN_FLIGHT = 1_000_000;
  /** More calls in one budget window than the replicas of one node can take. */
  static final long MAX_CALLS = 1_000_000_000;
  /**
   * More retries than that many calls can make (each at most maxAttempts − 1). Not checked against the
   * same entry's calls: a replica that others fail over to receives more retries than first attempts.
   */
  static final long MAX_RETRIES = MAX_CALLS * (ServiceOptions.MAX_ATTEMPTS_LIMIT - 1);
  /** More replicas or services than one entry may name. */
  static final int MAX_KEYS = 100_000;

  /** The entry's figures, or null if anything in it is out of shape or range. */
  static NodeLoad parse(Object entry) {
    if (!(entry instanceof JsonObject json)) {
      return null;
    }
    Object counts = json.getValue("inFlight");
    Object budget = json.getValue("budget");
    if ((counts != null && !(counts instanceof JsonObject)) || (budget != null && !(budget instanceof JsonObject))) {
      return null;
    }
    Map<String, Long> inFlight = new HashMap<>();
    if (counts instanceof JsonObject c) {
      if (c.size() > MAX_KEYS) {
        return null;
      }
      for (Map.Entry<String, Object> e : c) {
        long n = wholeNumber(e.getValue());
        if (n < 0 || n > MAX_IN_FLIGHT || e.getKey().length() > Replica.MAX_NAME_CHARS) {
          return null;
        }
        inFlight.put(e.getKey(), n);
      }
    }
    Map<String, long[]> budgets = new HashMap<>();
    if (budget instanceof JsonObject b) {
      if (b.size() > MAX_KEYS) {
        return null;
      }
      for (Map.Entry<String, Object> e : b) {
        if (!(e.getValue() instanceof JsonArray pair) || pair.size() != 2 || e.getKey().length() > Replica.MAX_NAME_CHARS) {
          return null;
        }
        long calls = wholeNumber(pair.getValue(0));
        long retries = wholeNumber(pair.getValue(1));
        if (calls < 0 || calls > MAX_CALLS || retries < 0 || retries > MAX_RETRIES) {
          return null;
        }
        budgets.put(e.getKey(), new long[] {calls, retries});
      }
    }
    return new NodeLoad(inFlight, budgets);
  }

  /** The value as a whole number, or -1 when it is not one. */
  private static long wholeNumber(Object value) {
    return value instanceof Integer || value instanceof Long ? ((Number) value).longValue() : -1;
  }
}
