package io.busmesh.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * One call path at one concurrency, summed over the rounds: throughput is all calls over all
 * measured time, percentiles come from the merged histogram, and each round's throughput is kept
 * to show how much the figures drift.
 */
final class Measurement {

  private final String path;
  private final Level level;
  private final Histogram latencyNanos = new Histogram(LoadRunner.MAX_TRACKED_NANOS, 3);
  private final JsonArray roundCallsPerSecond = new JsonArray();
  private final List<Double> roundRates = new ArrayList<>();
  private long calls;
  private long elapsedNanos;
  private double slowestRound = Double.MAX_VALUE;
  private double fastestRound;

  Measurement(String path, Level level) {
    this.path = path;
    this.level = level;
  }

  void add(RunResult run) {
    latencyNanos.add(run.latencyNanos());
    calls += run.succeeded();
    elapsedNanos += run.elapsedNanos();
    double rate = run.callsPerSecond();
    roundCallsPerSecond.add(Math.round(rate));
    roundRates.add(rate);
    slowestRound = Math.min(slowestRound, rate);
    fastestRound = Math.max(fastestRound, rate);
  }

  String path() {
    return path;
  }

  Level level() {
    return level;
  }

  long calls() {
    return calls;
  }

  double callsPerSecond() {
    return calls / (Math.max(elapsedNanos, 1) / 1e9);
  }

  /** Throughput of each round, in the order they ran. */
  List<Double> roundRates() {
    return List.copyOf(roundRates);
  }

  double slowestRoundCallsPerSecond() {
    return calls == 0 ? 0 : slowestRound;
  }

  double fastestRoundCallsPerSecond() {
    return fastestRound;
  }

  /** The latency at {@code percentile} (0 to 100), in microseconds. */
  double micros(double percentile) {
    return latencyNanos.getValueAtPercentile(percentile) / 1_000.0;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("mode", path)
        .put("inFlight", level.label())
        .put("callers", level.callers())
        .put("calls", calls)
        .put("callsPerSecond", Math.round(callsPerSecond()))
        .put("roundCallsPerSecond", roundCallsPerSecond.copy())
        .put("p50Us", round1(micros(50)))
        .put("p99Us", round1(micros(99)))
        .put("p999Us", round1(micros(99.9)))
        .put("maxUs", round1(latencyNanos.getMaxValue() / 1_000.0));
  }

  static double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
