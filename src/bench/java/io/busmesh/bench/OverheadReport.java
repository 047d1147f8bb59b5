package io.busmesh.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's results: a table per call path and concurrency, then the mesh's cost relative to
 * each baseline, then everything again as one JSON line for scripts.
 */
final class OverheadReport {

  /** The paths the mesh is compared with, in report order. */
  private static final List<String> BASELINES = List.of(CallPath.DIRECT_PROXY, CallPath.RAW);

  private final List<String> paths;
  private final Map<String, Measurement> measurements = new LinkedHashMap<>();

  /** @param paths the call paths' names, in the order the table lists them */
  OverheadReport(List<String> paths) {
    this.paths = List.copyOf(paths);
  }

  /** What was measured of {@code path} at {@code level}, or null if nothing. */
  Measurement measurement(String path, Level level) {
    return measurements.get(key(path, level));
  }

  void add(Level level, RunResult run) {
    measurements.computeIfAbsent(key(run.path(), level), k -> new Measurement(run.path(), level)).add(run);
  }

  void print(PrintStream out, BenchOptions options) {
    out.printf("%nbusmesh overhead: a server JVM and %s on loopback, event bus %s; %d round(s) per level, each run <= %d"
        + " calls and <= %d s%n%n", options.isolated() ? "one client JVM per path" : "one client JVM for all paths",
        options.mesh().getSecurity().isEventBusTls() ? "over mutual TLS" : "plain",
        options.rounds(), options.callsPerRun(), options.maxSecondsPerRun());
    out.printf("%-13s %9s %9s %11s %10s %10s %10s   %s%n",
        "mode", "in-flight", "calls", "calls/s", "p50 us", "p99 us", "p99.9 us", "calls/s by round (min..max)");
    for (Level level : options.levels()) {
      for (String path : paths) {
        Measurement m = measurements.get(key(path, level));
        out.printf("%-13s %9s %9d %11.0f %10.1f %10.1f %10.1f   %.0f..%.0f%n", path, level.label(), m.calls(),
            m.callsPerSecond(), m.micros(50), m.micros(99), m.micros(99.9), m.slowestRoundCallsPerSecond(),
            m.fastestRoundCallsPerSecond());
      }
    }
    if (options.levels().stream().anyMatch(l -> l.callers() > 1)) {
      out.printf("(%s: %d callers, each on its own event loop, %d in flight each)%n",
          options.levels().get(options.levels().size() - 1).label(), options.callers(), options.callersInFlight());
    }
    out.printf("%nCPU per call, us: all threads of each JVM over the runs (GC, JIT, Hazelcast included)%n");
    out.printf("%-13s %9s %12s %12s %12s %16s%n", "mode", "in-flight", "caller JVM", "server JVM", "both",
        "caller JIT, ms");
    for (Level level : options.levels()) {
      for (String path : paths) {
        Measurement m = measurements.get(key(path, level));
        out.printf("%-13s %9s %12.1f %12.1f %12.1f %16d%n", path, level.label(), m.clientCpuMicrosPerCall(),
            m.serverCpuMicrosPerCall(), m.cpuMicrosPerCall(), m.clientJitMillis());
      }
    }
    out.printf("%nratios mesh / baseline (calls/s below 1 = mesh slower; latency and CPU above 1 = mesh slower)%n");
    out.printf("%9s  %-13s %8s %14s %8s %8s %11s %9s%n", "in-flight", "baseline", "calls/s", "(round median)", "p50", "p99",
        "caller CPU", "both CPU");
    for (Level level : options.levels()) {
      for (String baseline : baselines()) {
        printRatio(out, level, baseline, ratio(level, baseline));
      }
    }
    printRatios(out, options, CallPath.MESH_PROMETHEUS, CallPath.MESH, "Prometheus metrics on / off");
    printRatios(out, options, CallPath.CONTROL, CallPath.DIRECT_PROXY, "two identical paths: the noise of this run's ratios");
    out.println();
  }

  /** The ratios of {@code path} to {@code baseline} per level, if both were measured. */
  private void printRatios(PrintStream out, BenchOptions options, String path, String baseline, String meaning) {
    if (!paths.contains(path) || !paths.contains(baseline)) {
      return;
    }
    out.printf("%n%s / %s (%s)%n", path, baseline, meaning);
    for (Level level : options.levels()) {
      printRatio(out, level, baseline, ratio(path, level, baseline));
    }
  }

  /** One line of a ratio table: {@code r} is one of {@link #ratio}'s results. */
  private static void printRatio(PrintStream out, Level level, String baseline, JsonObject r) {
    out.printf("%9s  %-13s %8.2f %14.2f %8.2f %8.2f %11.2f %9.2f%n", level.label(), baseline, r.getDouble("callsPerSecond"),
        r.getDouble("callsPerSecondRoundMedian"), r.getDouble("p50"), r.getDouble("p99"),
        orNaN(r.getDouble("clientCpuPerCall")), orNaN(r.getDouble("cpuPerCall")));
  }

  JsonObject toJson(BenchOptions options) {
    JsonArray results = new JsonArray();
    measurements.values().forEach(m -> results.add(m.toJson()));
    JsonArray ratios = new JsonArray();
    for (Level level : options.levels()) {
      baselines().forEach(baseline -> ratios.add(ratio(level, baseline)));
      for (String[] pair : List.of(new String[] {CallPath.CONTROL, CallPath.DIRECT_PROXY},
          new String[] {CallPath.MESH_PROMETHEUS, CallPath.MESH})) {
        if (paths.contains(pair[0]) && paths.contains(pair[1])) {
          ratios.add(ratio(pair[0], level, pair[1]));
        }
      }
    }
    return new JsonObject().put("benchmark", "busmesh-overhead").put("conf", options.toJson())
        .put("results", results).put("ratios", ratios);
  }

  /** The baselines measured in this run, if the mesh was measured too. */
  private List<String> baselines() {
    return paths.contains(CallPath.MESH) ? BASELINES.stream().filter(paths::contains).toList() : List.of();
  }

  private JsonObject ratio(Level level, String baseline) {
    return ratio(CallPath.MESH, level, baseline);
  }

  private JsonObject ratio(String path, Level level, String baseline) {
    Measurement mesh = measurements.get(key(path, level));
    Measurement base = measurements.get(key(baseline, level));
    return new JsonObject()
        .put("inFlight", level.label())
        .put("mode", path)
        .put("baseline", baseline)
        .put("callsPerSecond", ratio(mesh.callsPerSecond(), base.callsPerSecond()))
        .put("callsPerSecondRoundMedian", roundMedian(mesh.roundRates(), base.roundRates()))
        .put("p50", ratio(mesh.micros(50), base.micros(50)))
        .put("p99", ratio(mesh.micros(99), base.micros(99)))
        .put("clientCpuPerCall", cpuRatio(mesh.clientCpuMicrosPerCall(), base.clientCpuMicrosPerCall()))
        .put("cpuPerCall", cpuRatio(mesh.cpuMicrosPerCall(), base.cpuMicrosPerCall()));
  }

  /** Null when either side was not measured. */
  private static Double cpuRatio(double value, double baseline) {
    return Double.isFinite(value) && Double.isFinite(baseline) ? ratio(value, baseline) : null;
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }

  /**
   * The median over the rounds of the mesh's throughput over the baseline's in the same round: each
   * pair ran back to back, so drift of the machine (JIT, GC, the other JVM, neighbours) that the pooled
   * ratio absorbs over the whole level mostly cancels here.
   */
  private static Double roundMedian(List<Double> mesh, List<Double> base) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(mesh.size(), base.size()); i++) {
      if (base.get(i) > 0) {
        ratios.add(mesh.get(i) / base.get(i));
      }
    }
    if (ratios.isEmpty()) {
      return null;
    }
    Collections.sort(ratios);
    int mid = ratios.size() / 2;
    double median = ratios.size() % 2 == 1 ? ratios.get(mid) : (ratios.get(mid - 1) + ratios.get(mid)) / 2;
    return Math.round(median * 100) / 100.0;
  }

  /** {@code null} (printed as such) when the baseline measured nothing, rather than an infinite ratio. */
  private static Double ratio(double value, double baseline) {
    return baseline == 0 ? null : Math.round(value / baseline * 100) / 100.0;
  }

  private static String key(String path, Level level) {
    return path + "@" + level.label();
  }
}
