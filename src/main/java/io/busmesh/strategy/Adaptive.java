package io.busmesh.strategy;

import io.busmesh.ConfigReader;
import io.vertx.core.json.JsonObject;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Load, latency and errors in one cost, so that a replica that fails fast cannot attract traffic by
 * looking fast. P2C (see {@link TwoChoices}) over
 * <pre>  cost = max(latencyAverage, floor) × (inFlight + 1) / (s² × warmth),   s = max(1 − errorRate, 0.01)</pre>
 * The latency × queue product is Finagle's peak EWMA, but on the smooth average rather than the
 * peak-sensitive one: with many calls in flight the (inFlight + 1) factor magnifies every jitter
 * spike of a healthy replica until a much slower one looks cheaper; the smooth average keeps a
 * replica 20 times slower out except for the probes its decaying average earns it. Weighing replicas by response time and queue
 * together is the idea of C3 (Suresh et al., "C3: Cutting Tail Latency in Cloud Data Stores via
 * Adaptive Replica Selection", NSDI 2015). The error term replaces the on/off ejection of Envoy's
 * outlier detection or Finagle's failure accrual by a continuous price. It is squared because a
 * failing replica is cheap twice over: a caller needs 1/s calls to it for one answer, and its
 * in-flight count understates the calls it is handed by about s, since failed calls leave it early.
 * <p>
 * The floor makes latencies below it count as equal: sub-floor differences are mostly noise, and a
 * replica much faster than its peers is more often skipping work than doing it well; the floor also
 * prices a replica with no latency yet, so it is cheap but not free. The 0.01 bound on s caps the
 * error price at 10⁴ so that a replica failing everything still gets an occasional call that lets
 * its error rate recover.
 */
final class Adaptive extends TwoChoices {

  static final long DEFAULT_LATENCY_FLOOR_MICROS = 1_000;
  private static final double MIN_SUCCESS_RATE = 0.01;

  private final double floorNanos;

  Adaptive() {
    this(DEFAULT_LATENCY_FLOOR_MICROS, new SplittableRandom());
  }

  Adaptive(long latencyFloorMicros, RandomGenerator random) {
    super(random);
    this.floorNanos = TimeUnit.MICROSECONDS.toNanos(latencyFloorMicros);
  }

  /** Reads {@code {"latencyFloorMicros": 1000}} (optional). */
  static Adaptive fromSettings(JsonObject settings) {
    ConfigReader in = new ConfigReader("settings of strategy 'adaptive'", settings, "latencyFloorMicros");
    return new Adaptive(in.longBetween("latencyFloorMicros", DEFAULT_LATENCY_FLOOR_MICROS, 1, 60_000_000), new SplittableRandom());
  }

  @Override
  boolean prefersSecond(Candidate a, Candidate b) {
    return cost(b) < cost(a);
  }

  private double cost(Candidate c) {
    double success = Math.max(1.0 - c.errorRate(), MIN_SUCCESS_RATE);
    return Math.max(c.latencyAverageNanos(), floorNanos) * Warmth.load(c) / (success * success);
  }
}
