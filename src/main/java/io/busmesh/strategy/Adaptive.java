package io.busmesh.strategy;

import io.busmesh.ConfigReader;
import io.vertx.core.json.JsonObject;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The default strategy: P2C (see {@link TwoChoices}) that balances load among replicas of similar
 * speed and keeps calls away from one much slower or failing than the other, from its first answers.
 * Each of the two drawn replicas has a <em>price</em>, the time a caller can expect to wait for one
 * success from it:
 * <pre>  price = max(latencyAverage, floor) / s²,   s = max(1 − errorRate, 0.01)</pre>
 * and a cost
 * <pre>  cost = load × f(price / cheaper price),   f(r) = 1 for r ≤ tolerance, (r / tolerance)³ beyond</pre>
 * where load is the cluster-wide {@code (inFlight + 1) / warmth} ({@link Warmth#load}). Within the
 * tolerance (2× by default) latency is noise and the pair is balanced on load alone, so healthy
 * replicas share calls evenly and the shared in-flight signal keeps every caller's view in step.
 * Beyond it the slower one is priced out steeply: a replica 4× slower than its rival is picked only
 * when it has an eighth of its rival's calls in flight. Latency alone would be herded on; load alone
 * (p2c) feeds a slow replica a share as long as its queue is no longer than the others', which at a
 * few calls in flight per replica is a lot of slow calls.
 * <p>
 * Weighing replicas by response time and queue together is the idea of C3 (Suresh et al., "C3:
 * Cutting Tail Latency in Cloud Data Stores via Adaptive Replica Selection", NSDI 2015); keeping load
 * the criterion among comparable replicas and latency a veto follows Prequal's hot-cold rule
 * (Wydrowski et al., "Load is not what you should balance", NSDI 2024). The latency is the smooth
 * average, so one spike does not exclude a healthy replica, and it decays while a replica is idle,
 * so an avoided one is probed again now and then. The error term replaces the on/off ejection of
 * Envoy's outlier detection by a continuous price; it is squared because a failing replica is cheap
 * twice over: a caller needs 1/s calls to it for one answer, and its in-flight count understates the
 * calls it is handed by about s, since failed calls leave it early. The floor makes latencies below
 * it equal (sub-floor differences are mostly noise) and prices a replica with no latency yet, so it is
 * probed but not flooded.
 */
final class Adaptive extends TwoChoices {

  static final long DEFAULT_LATENCY_FLOOR_MICROS = 1_000;
  static final double DEFAULT_LATENCY_TOLERANCE = 2.0;
  private static final double MIN_SUCCESS_RATE = 0.01;

  private final double floorNanos;
  private final double tolerance;

  Adaptive() {
    this(DEFAULT_LATENCY_FLOOR_MICROS, DEFAULT_LATENCY_TOLERANCE, new SplittableRandom());
  }

  Adaptive(long latencyFloorMicros, double latencyTolerance, RandomGenerator random) {
    super(random);
    this.floorNanos = TimeUnit.MICROSECONDS.toNanos(latencyFloorMicros);
    this.tolerance = latencyTolerance;
  }

  /** Reads {@code {"latencyFloorMicros": 1000, "latencyTolerance": 2.0}} (both optional). */
  static Adaptive fromSettings(JsonObject settings) {
    ConfigReader in = new ConfigReader("settings of strategy 'adaptive'", settings, "latencyFloorMicros",
        "latencyTolerance");
    return new Adaptive(in.longBetween("latencyFloorMicros", DEFAULT_LATENCY_FLOOR_MICROS, 1, 60_000_000),
        in.doubleBetween("latencyTolerance", DEFAULT_LATENCY_TOLERANCE, 1, 1_000), new SplittableRandom());
  }

  @Override
  boolean prefersSecond(Candidate a, Candidate b) {
    double priceA = price(a);
    double priceB = price(b);
    double cheaper = Math.min(priceA, priceB);
    return Warmth.load(b) * penalty(priceB / cheaper) < Warmth.load(a) * penalty(priceA / cheaper);
  }

  /** The expected wait for one success: the latency (at least the floor) over the squared success rate. */
  private double price(Candidate c) {
    double success = Math.max(1.0 - c.errorRate(), MIN_SUCCESS_RATE);
    return Math.max(c.latencyAverageNanos(), floorNanos) / (success * success);
  }

  /** 1 within the tolerance, then the cube of how far beyond it a replica's price is. */
  private double penalty(double ratio) {
    if (ratio <= tolerance) {
      return 1;
    }
    double beyond = ratio / tolerance;
    return beyond * beyond * beyond;
  }
}
