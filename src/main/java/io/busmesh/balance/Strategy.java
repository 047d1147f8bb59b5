package io.busmesh.balance;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Picks the replica for one call. One instance serves one service on one node and is only called
 * from that node's balancer event loop, so implementations may keep plain mutable state. A pick
 * must be cheap and must never do I/O: it runs on the path of every call.
 */
public interface Strategy {

  /**
   * @param candidates the service's replicas in this node's view with their load figures, sorted by
   *                   replica address; never empty, never modified; the same list instance until the
   *                   view changes, so a strategy may cache structures built from it (compare by identity)
   * @param call       the call being routed (headers, body), for strategies that key on it; may be null in tests
   */
  Candidate pick(List<? extends Candidate> candidates, Message<?> call);

  /** Cycles through the replicas in order. */
  static Strategy roundRobin() {
    return new RoundRobin();
  }

  /** Picks uniformly at random. */
  static Strategy random() {
    return new RandomPick();
  }

  /** A new strategy of the given configuration name with default settings; see {@link #named(String, JsonObject)}. */
  static Strategy named(String name) {
    return named(name, new JsonObject());
  }

  /**
   * A new strategy of the given configuration name.
   *
   * @param settings strategy-specific settings from the service's {@code strategyOptions} (may be empty)
   * @throws IllegalArgumentException naming the known strategies when {@code name} is not one of them,
   *                                  or naming the bad setting
   */
  static Strategy named(String name, JsonObject settings) {
    Function<JsonObject, Strategy> factory = Registry.BY_NAME.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("Unknown balancing strategy '" + name + "'; use one of " + Registry.BY_NAME.keySet());
    }
    return factory.apply(settings == null ? new JsonObject() : settings);
  }

  /** Configuration names; adding a strategy is adding a class and a line here. */
  final class Registry {
    static final Map<String, Function<JsonObject, Strategy>> BY_NAME = new TreeMap<>(Map.of(
        "round-robin", settings -> roundRobin(),
        "random", settings -> random()));

    private Registry() {
    }
  }
}
