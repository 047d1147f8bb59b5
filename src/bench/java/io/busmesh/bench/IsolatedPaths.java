package io.busmesh.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The call paths of the overhead benchmark, each in a child JVM of its own ({@link PathRunner}),
 * started from this JVM's own java, jar and -X/-D options (plus {@code BENCH_RUNNER_JVM_OPTS}, in which
 * {@code {path}} stands for the path's name), joined to the same cluster. A run is a
 * request to the path's runner, which measures and answers with the {@link RunResult}. Runners end
 * with {@link #stop}, and by themselves if this JVM dies first.
 */
final class IsolatedPaths implements PathRuns {

  private static final long PROBE_RETRY_MS = 200;
  private static final long STOP_GRACE_SECONDS = 15;

  private final Vertx vertx;
  private final Map<String, Process> runners;
  private final Map<String, Path> logs;
  private final String replica;
  private final long runTimeoutMs;

  private IsolatedPaths(Vertx vertx, Map<String, Process> runners, Map<String, Path> logs, String replica,
                        long runTimeoutMs) {
    this.vertx = vertx;
    this.runners = runners;
    this.logs = logs;
    this.replica = replica;
    this.runTimeoutMs = runTimeoutMs;
  }

  /**
   * Starts one runner per path of {@code options} and completes once each answers; stops those
   * started if one fails. {@code replica} is the address that the direct proxies call.
   */
  static Future<IsolatedPaths> start(Vertx vertx, BenchOptions options, String replica) {
    Map<String, Process> runners = new LinkedHashMap<>();
    Map<String, Path> logs = new LinkedHashMap<>();
    long runTimeoutMs = options.maxNanosPerRun() / 1_000_000 + options.callTimeoutMs() + 10_000;
    IsolatedPaths paths = new IsolatedPaths(vertx, runners, logs, replica, runTimeoutMs);
    Future<Void> started = vertx.executeBlocking(() -> {
      for (String path : options.paths()) {
        Path log = Files.createTempFile("busmesh-bench-" + path + "-", ".log");
        logs.put(path, log);
        runners.put(path, new ProcessBuilder(command(path, options)).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start());
      }
      return null;
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.awaitServerSeconds() * 2L);
    return started
        .compose(v -> Future.all(options.paths().stream().map(path -> paths.ready(path, deadline)).toList()))
        .<IsolatedPaths>map(v -> paths)
        .recover(e -> paths.stop().transform(v -> Future.failedFuture(e)));
  }

  @Override
  public Future<RunResult> run(String path, Level level, int calls, long maxNanos) {
    return vertx.eventBus().<JsonObject>request(PathRunner.address(path),
            PathRunner.runRequest(replica, level, calls, maxNanos), new DeliveryOptions().setSendTimeout(runTimeoutMs))
        .map(answer -> RunResult.fromJson(answer.body()));
  }

  /** Stops every runner: SIGTERM, so that it leaves the cluster cleanly, then SIGKILL after a grace period. */
  @Override
  public Future<Void> stop() {
    return vertx.executeBlocking(() -> {
      runners.values().forEach(Process::destroy);
      for (Process runner : runners.values()) {
        if (!runner.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
          runner.destroyForcibly().waitFor();
        }
      }
      for (Path log : logs.values()) {
        Files.deleteIfExists(log);
      }
      return null;
    });
  }

  private Future<Void> ready(String path, long deadlineNanos) {
    Promise<Void> ready = Promise.promise();
    vertx.eventBus().request(PathRunner.address(path), new JsonObject()).onComplete(ar -> {
      if (ar.succeeded()) {
        ready.complete();
      } else if (!runners.get(path).isAlive() || System.nanoTime() > deadlineNanos) {
        ready.fail("The runner JVM of the " + path + " path did not answer (" + ar.cause().getMessage() + "); its log:\n"
            + tail(logs.get(path)));
      } else {
        vertx.setTimer(PROBE_RETRY_MS, id -> ready(path, deadlineNanos).onComplete(ready));
      }
    });
    return ready.future();
  }

  private static List<String> command(String path, BenchOptions options) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
    // The same heap and properties (cluster name, logging) as this JVM; not its agents (a profiler).
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(arg -> arg.startsWith("-X") || arg.startsWith("-D"))
        .forEach(command::add);
    // e.g. a profiler for each runner: -agentpath:.../libasyncProfiler.so=start,event=cpu,file=/tmp/{path}.html
    String runnerOptions = System.getenv().getOrDefault("BENCH_RUNNER_JVM_OPTS", "").trim();
    if (!runnerOptions.isEmpty()) {
      command.addAll(List.of(runnerOptions.replace("{path}", path).split("\\s+")));
    }
    JsonObject conf = new JsonObject().put("path", path).put("callers", options.callers())
        .put("callTimeoutMs", options.callTimeoutMs()).put("conductorPid", ProcessHandle.current().pid())
        .put("mesh", options.mesh().toJson());
    command.addAll(List.of("-jar", System.getProperty("java.class.path"), PathRunner.class.getName(),
        "-cluster", "-cluster-host", "127.0.0.1", "-conf", conf.encode()));
    return command;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
