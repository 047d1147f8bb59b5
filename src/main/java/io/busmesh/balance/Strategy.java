package io.busmesh.balance;

import io.busmesh.Replica;
import io.vertx.core.eventbus.Message;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Picks the replica for one call. One instance serves one service on one node and is only called
 * from that node's balancer event loop, so implementations may keep plain mutable state. A pick
 * must be cheap and must never do I/O: it runs on the path of every call.
 */
public interface Strategy {

  /**
   * @param candidates the service's replicas in this node's view; never empty, never modified
   * @param call       the call being routed (headers, body), for strategies that key on it
   */
  Replica pick(List<Replica> candidates, Message<?> call);

  /** Cycles through the replicas in order. */
  static Strategy roundRobin() {
    return new RoundRobin();
  }

  /** Picks uniformly at random. */
  static Strategy random() {
    return new RandomPick();
  }

  /**
   * A new strategy of the given configuration name.
   *
   * @throws IllegalArgumentException naming the known strategies when {@code name} is not one of them
   */
  static Strategy named(String name) {
    Supplier<Strategy> factory = Registry.BY_NAME.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("Unknown balancing strategy '" + name + "'; use one of " + Registry.BY_NAME.keySet());
    }
    return factory.get();
  }

  /** Configuration names; adding a strategy is adding a class and a line here. */
  final class Registry {
    static final Map<String, Supplier<Strategy>> BY_NAME = new TreeMap<>(Map.of(
        "round-robin", Strategy::roundRobin,
        "random", Strategy::random));

    private Registry() {
    }
  }
}
