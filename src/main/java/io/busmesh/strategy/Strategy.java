package io.busmesh.strategy;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks the replica for one call. Calls are routed on their callers' event loops, and each loop has
 * an instance of its own per service: an instance is only ever called by one thread, so
 * implementations may keep plain mutable state, but each loop's instance sees only the calls of
 * that loop (a round robin cycles per loop). A pick must be cheap and must never do I/O or block: it
 * runs on the path of every call.
 * <p>
 * To add your own, implement this interface and a {@link StrategyFactory} that names it; see there
 * how a service is given it by name or by instance. The built-in strategies are the static factories
 * below.
 * <p>
 * Strategies read no clock: every time-dependent figure comes from {@link Candidate}. Randomized
 * ones take a {@link java.util.random.RandomGenerator} (tests pass a seeded one); by default each
 * instance has its own {@link SplittableRandom}, seeded apart from every other instance, so that
 * caller nodes do not draw in step, and unshared, as one event loop uses it.
 */
public interface Strategy {

  /**
   * @param candidates the service's replicas that may take the call, with their load figures, sorted
   *                   by replica address; never empty; read-only; the same list instance until it
   *                   changes, so a strategy may cache structures built from it (compare by identity)
   * @param call       the call being placed (method, headers, arguments), for strategies that key on it
   * @return one of {@code candidates}
   */
  <C extends Candidate> C pick(List<C> candidates, CallInfo call);

  /** Cycles through the replicas in order; a warming replica takes its turn with probability = its warmth. */
  static Strategy roundRobin() {
    return new RoundRobin();
  }

  /** Picks uniformly at random; a warming replica drawn is kept with probability = its warmth. */
  static Strategy random() {
    return new RandomPick();
  }

  /**
   * Weighted round robin by earliest-deadline-first scheduling (as Envoy): shares proportional to
   * replica weight × warmth, a heavy replica's picks interleaved with the others'.
   */
  static Strategy weightedRoundRobin() {
    return new WeightedRoundRobin();
  }

  /**
   * The replica with the fewest calls in flight (scaled by warmth), ties broken at random. Compares
   * every replica up to 16; beyond that, the least loaded of 16 drawn at random (power of d choices),
   * so a pick costs the same at any number of replicas.
   */
  static Strategy leastInFlight() {
    return new LeastInFlight();
  }

  /** Of two random replicas, the less loaded. */
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

  /**
   * Of two random replicas, the less loaded, unless one is much slower or failing more than the other:
   * the default strategy (see the README's "Choosing a strategy").
   */
  static Strategy adaptive() {
    return new Adaptive();
  }
}
