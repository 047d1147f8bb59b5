package io.busmesh.strategy;

import io.busmesh.ConfigReader;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Picks the replica for one call. One instance serves one service on one node and is only called
 * from that node's balancer event loop, so implementations may keep plain mutable state. A pick
 * must be cheap and must never do I/O: it runs on the path of every call.
 * <p>
 * Strategies read no clock: every time-dependent figure comes from {@link Candidate}. Randomized
 * ones take a {@link java.util.random.RandomGenerator} (tests pass a seeded one); by default each
 * instance has its own {@link SplittableRandom}, seeded apart from every other instance, so that
 * caller nodes do not draw in step, and unshared, as one event loop uses it.
 */
public interface Strategy {

  /**
   * @param candidates the service's replicas in this node's view with their load figures, sorted by
   *                   replica address; never empty, never modified; the same list instance until the
   *                   view changes, so a strategy may cache structures built from it (compare by identity)
   * @param call       the call being routed (headers, body), for strategies that key on it; may be null in tests
   */
  Candidate pick(List<? extends Candidate> candidates, Message<?> call);

  /** Cycles through the replicas in order; a warming replica takes its turn with probability = its warmth. */
  static Strategy roundRobin() {
    return new RoundRobin();
  }

  /** Picks uniformly at random; a warming replica drawn is kept with probability = its warmth. */
  static Strategy random() {
    return new RandomPick();
  }

  /** Smooth weighted round robin: shares proportional to replica weight × warmth. */
  static Strategy weightedRoundRobin() {
    return new WeightedRoundRobin();
  }

  /** The replica with the fewest calls in flight (scaled by warmth), ties broken at random. */
  static Strategy leastInFlight() {
    return new LeastInFlight();
  }

  /** Of two random replicas, the less loaded: the default strategy. */
  static Strategy powerOfTwoChoices() {
    return new PowerOfTwoChoices();
  }

  /** Of two random replicas, the one with the lower latency EWMA × (calls in flight + 1). */
  static Strategy peakEwma() {
    return new PeakEwmaCost();
  }

  /**
   * Sticky by a key of the call on a consistent-hash ring.
   *
   * @param hashKey {@code "header:NAME"} or {@code "arg:NAME"}
   * @throws IllegalArgumentException naming a {@code hashKey} of neither form
   */
  static Strategy consistentHash(String hashKey) {
    return new ConsistentHash(HashKey.parse(hashKey), new SplittableRandom());
  }

  /** Of two random replicas, the one with the lower cost in latency, load and error rate together. */
  static Strategy adaptive() {
    return new Adaptive();
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
        "round-robin", withoutSettings("round-robin", Strategy::roundRobin),
        "random", withoutSettings("random", Strategy::random),
        "weighted", withoutSettings("weighted", Strategy::weightedRoundRobin),
        "least-in-flight", withoutSettings("least-in-flight", Strategy::leastInFlight),
        "p2c", withoutSettings("p2c", Strategy::powerOfTwoChoices),
        "peak-ewma", withoutSettings("peak-ewma", Strategy::peakEwma),
        "consistent-hash", ConsistentHash::fromSettings,
        "adaptive", Adaptive::fromSettings));

    private Registry() {
    }

    /** A factory that rejects any setting, so that a misplaced one is reported instead of ignored. */
    private static Function<JsonObject, Strategy> withoutSettings(String name, Supplier<Strategy> factory) {
      return settings -> {
        new ConfigReader("settings of strategy '" + name + "'", settings);
        return factory.get();
      };
    }
  }
}
