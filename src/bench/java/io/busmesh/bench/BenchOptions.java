package io.busmesh.bench;

import io.busmesh.ConfigReader;
import io.busmesh.MeshOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Conf of {@link OverheadBenchmark}, every key optional:
 * <pre>{@code
 * {"concurrency": [1, 16, 128], "warmupCalls": 20000, "callsPerLevel": 150000, "rounds": 3,
 *  "maxSecondsPerRun": 4, "awaitServerSeconds": 30, "callTimeoutMs": 10000, "mesh": {...MeshOptions}}}</pre>
 * {@code callsPerLevel} is per call path and is split evenly over the rounds; every run, warm-up
 * included, also stops sending after {@code maxSecondsPerRun}, which bounds the whole benchmark.
 * {@code mesh} is the client node's {@link MeshOptions}, e.g. {@code {"security": {...}}} for
 * event-bus TLS ({@code BENCH_TLS=1 bench/overhead.sh} adds it).
 */
record BenchOptions(List<Integer> concurrency, int warmupCalls, int callsPerLevel, int rounds,
                    int maxSecondsPerRun, int awaitServerSeconds, long callTimeoutMs, MeshOptions mesh) {

  static final List<Integer> DEFAULT_CONCURRENCY = List.of(1, 16, 128);

  BenchOptions {
    concurrency = List.copyOf(concurrency);
  }

  /** @throws IllegalArgumentException with a sentence naming the bad key and value */
  static BenchOptions fromJson(JsonObject json) {
    ConfigReader in = new ConfigReader("conf of OverheadBenchmark", json, "concurrency", "warmupCalls",
        "callsPerLevel", "rounds", "maxSecondsPerRun", "awaitServerSeconds", "callTimeoutMs", "mesh");
    return new BenchOptions(concurrency(json == null ? null : json.getValue("concurrency")),
        in.positiveInt("warmupCalls", 20_000),
        in.positiveInt("callsPerLevel", 150_000),
        in.positiveInt("rounds", 3),
        in.positiveInt("maxSecondsPerRun", 4),
        in.positiveInt("awaitServerSeconds", 30),
        in.positiveLong("callTimeoutMs", 10_000),
        new MeshOptions(in.object("mesh", null)));
  }

  /** Calls in one measured run of one call path. */
  int callsPerRun() {
    return (callsPerLevel + rounds - 1) / rounds;
  }

  long maxNanosPerRun() {
    return maxSecondsPerRun * 1_000_000_000L;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("concurrency", new JsonArray(new ArrayList<>(concurrency)))
        .put("warmupCalls", warmupCalls)
        .put("callsPerLevel", callsPerLevel)
        .put("rounds", rounds)
        .put("maxSecondsPerRun", maxSecondsPerRun)
        .put("awaitServerSeconds", awaitServerSeconds)
        .put("callTimeoutMs", callTimeoutMs)
        .put("eventBusTls", mesh.getSecurity().isEventBusTls());
  }

  private static List<Integer> concurrency(Object value) {
    if (value == null) {
      return DEFAULT_CONCURRENCY;
    }
    List<Integer> levels = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object level : array) {
        if (!(level instanceof Integer n) || n < 1) {
          levels.clear();
          break;
        }
        levels.add(n);
      }
    }
    if (levels.isEmpty()) {
      throw new IllegalArgumentException("Invalid conf of OverheadBenchmark: 'concurrency' must be a non-empty array of "
          + "positive integers (calls in flight), e.g. [1, 16, 128], got " + value + ".");
    }
    return levels;
  }
}
