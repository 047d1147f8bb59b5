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
 * {"concurrency": [1, 16, 128], "callers": 4, "callersInFlight": 16, "warmupSeconds": 8, "settleRuns": 20,
 *  "callsPerLevel": 240000, "rounds": 6, "maxSecondsPerRun": 2, "paths": ["mesh", "direct-proxy", "raw", "control"],
 *  "awaitServerSeconds": 30, "callTimeoutMs": 10000, "isolated": true, "report": "target/bench/overhead.html",
 *  "mesh": {...MeshOptions}}}</pre>
 * One caller measures each {@code concurrency}; then {@code callers} callers, each on its own event
 * loop, keep {@code callersInFlight} calls in flight each (1 turns that level off). Before measuring,
 * every path is warmed up for {@code warmupSeconds} in all, in two passes; then, before each level, the
 * paths run rounds at that level exactly like the measured ones, unmeasured, until in
 * {@value OverheadBenchmark#SETTLED_QUIET_ROUNDS} rounds in a row every path's JVM compiled for less than
 * {@value OverheadBenchmark#SETTLED_JIT_PERCENT}% of its run, or {@code settleRuns} rounds are over (0: not at all):
 * each level exercises other code and type profiles, and a JIT that still compiles takes CPU from the
 * calls it measures, more from the path with more code, while a long-running deployment has settled.
 * {@code callsPerLevel} is per call path and is split evenly over the rounds; every run also stops
 * sending after {@code maxSecondsPerRun}, which bounds the whole benchmark. {@code paths} measures
 * only some paths (e.g. one, under a profiler); ratios need mesh and a baseline. {@code control} is a
 * second direct proxy: its ratio to direct-proxy shows how far two identical paths differ in this run,
 * the resolution of every other ratio. {@code mesh-prometheus} (not measured unless named) is the mesh
 * with {@code mesh.metrics.prometheus} on: its ratio to {@code mesh} is what metrics cost. {@code isolated} runs each path in a JVM of its own, as in a
 * deployment, where a JVM's JIT compiles for the path its callers use; {@code false} runs every path
 * in the benchmark's JVM (quicker, and what a profiler of one JVM sees). {@code report} is where the
 * HTML report with plots is written ({@code "none"} for none). {@code mesh} is the
 * client node's {@link MeshOptions}, e.g. {@code {"security": {...}}} for event-bus TLS
 * ({@code BENCH_TLS=1 bench/overhead.sh} adds it).
 */
record BenchOptions(List<Integer> concurrency, int callers, int callersInFlight, int warmupSeconds, int settleRuns,
                    int callsPerLevel,
                    int rounds, int maxSecondsPerRun, List<String> paths, int awaitServerSeconds, long callTimeoutMs,
                    boolean isolated, String report, MeshOptions mesh) {

  static final List<Integer> DEFAULT_CONCURRENCY = List.of(1, 16, 128);
  static final List<String> ALL_PATHS = List.of(CallPath.MESH, CallPath.DIRECT_PROXY, CallPath.RAW, CallPath.CONTROL);
  /** Paths one may ask for: the default ones, and the mesh with Prometheus on. */
  static final List<String> KNOWN_PATHS = List.of(CallPath.MESH, CallPath.DIRECT_PROXY, CallPath.RAW, CallPath.CONTROL,
      CallPath.MESH_PROMETHEUS);

  BenchOptions {
    concurrency = List.copyOf(concurrency);
    paths = List.copyOf(paths);
    if (!isolated && paths.contains(CallPath.MESH_PROMETHEUS)) {
      throw new IllegalArgumentException("Invalid conf of OverheadBenchmark: path '" + CallPath.MESH_PROMETHEUS
          + "' needs a JVM of its own (one Vert.x has one mesh): remove it, or \"isolated\": true.");
    }
  }

  /** @throws IllegalArgumentException with a sentence naming the bad key and value */
  static BenchOptions fromJson(JsonObject json) {
    ConfigReader in = new ConfigReader("conf of OverheadBenchmark", json, "concurrency", "callers", "callersInFlight",
        "warmupSeconds", "settleRuns", "callsPerLevel", "rounds", "maxSecondsPerRun", "paths", "awaitServerSeconds", "callTimeoutMs",
        "isolated", "report", "mesh");
    return new BenchOptions(concurrency(json == null ? null : json.getValue("concurrency")),
        in.positiveInt("callers", 4),
        in.positiveInt("callersInFlight", 16),
        in.positiveInt("warmupSeconds", 8),
        in.intBetween("settleRuns", 20, 0, 100),
        in.positiveInt("callsPerLevel", 240_000),
        in.positiveInt("rounds", 6),
        in.positiveInt("maxSecondsPerRun", 2),
        paths(json == null ? null : json.getValue("paths")),
        in.positiveInt("awaitServerSeconds", 30),
        in.positiveLong("callTimeoutMs", 10_000),
        in.bool("isolated", true),
        in.string("report", "target/bench/overhead.html"),
        new MeshOptions(in.object("mesh", null)));
  }

  /** The load levels measured, in order: one caller at each concurrency, then the callers on several loops. */
  List<Level> levels() {
    List<Level> levels = new ArrayList<>();
    concurrency.forEach(c -> levels.add(new Level(1, c)));
    if (callers > 1) {
      levels.add(new Level(callers, callersInFlight));
    }
    return levels;
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
        .put("callers", callers)
        .put("callersInFlight", callersInFlight)
        .put("warmupSeconds", warmupSeconds)
        .put("settleRuns", settleRuns)
        .put("callsPerLevel", callsPerLevel)
        .put("rounds", rounds)
        .put("maxSecondsPerRun", maxSecondsPerRun)
        .put("paths", new JsonArray(new ArrayList<>(paths)))
        .put("awaitServerSeconds", awaitServerSeconds)
        .put("callTimeoutMs", callTimeoutMs)
        .put("isolated", isolated)
        .put("report", report)
        .put("eventBusTls", mesh.getSecurity().isEventBusTls());
  }

  private static List<String> paths(Object value) {
    if (value == null) {
      return ALL_PATHS;
    }
    List<String> paths = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object path : array) {
        if (!KNOWN_PATHS.contains(path) || paths.contains(path)) {
          paths.clear();
          break;
        }
        paths.add((String) path);
      }
    }
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("Invalid conf of OverheadBenchmark: 'paths' must be a non-empty array of "
          + KNOWN_PATHS + ", each at most once, got " + value + ".");
    }
    return paths;
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
