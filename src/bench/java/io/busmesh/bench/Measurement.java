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
  /** CPU of each side over the runs that measured it, and the calls of those runs. */
  private long clientCpuNanos;
  private long clientCpuCalls;
  private long serverCpuNanos;
  private long serverCpuCalls;
  private long clientJitMillis;

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
    if (run.clientCpuNanos() >= 0) {
      clientCpuNanos += run.clientCpuNanos();
      clientCpuCalls += run.succeeded();
    }
    if (run.clientJitMillis() >= 0) {
      clientJitMillis += run.clientJitMillis();
    }
    if (run.serverCpuNanos() >= 0) {
      serverCpuNanos += run.serverCpuNanos();
      serverCpuCalls += run.succeeded();
    }
  }

  /** CPU time the caller's JVM spent per call, µs (background threads included); NaN if not measured. */
  double clientCpuMicrosPerCall() {
    return clientCpuCalls == 0 ? Double.NaN : clientCpuNanos / 1_000.0 / clientCpuCalls;
  }

  /** CPU time both JVMs spent per call, µs; NaN if either was not measured. */
  double cpuMicrosPerCall() {
    return clientCpuMicrosPerCall() + serverCpuMicrosPerCall();
  }

  /** Time the caller's JIT compilers spent over the runs, ms: compiling still, or again, while measured. */
  long clientJitMillis() {
    return clientJitMillis;
  }

  /** CPU time the server's JVM spent per call, µs; NaN if not measured. */
  double serverCpuMicrosPerCall() {
    return serverCpuCalls == 0 ? Double.NaN : serverCpuNanos / 1_000.0 / serverCpuCalls;
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
        .put("maxUs", round1(latencyNanos.getMaxValue() / 1_000.0))
        .put("clientCpuUsPerCall", finiteOrNull(clientCpuMicrosPerCall()))
        .put("serverCpuUsPerCall", finiteOrNull(serverCpuMicrosPerCall()))
        .put("clientJitMs", clientJitMillis);
  }

  /** Rounded to 0.1, or null for a figure that was not measured. */
  private static Double finiteOrNull(double value) {
    return Double.isFinite(value) ? round1(value) : null;
  }

  static double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
