package io.busmesh.bench;

import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.PrometheusOptions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Client side of the overhead benchmark (a benchmark, not a test): measures the same addition on
 * the server JVM through the mesh, through a proxy of the replica's own address, and as a raw
 * event-bus request, at each load level of {@link BenchOptions} (one caller at several concurrencies,
 * then callers on several event loops), then prints an {@link OverheadReport}, closes Vert.x and
 * exits, with 0 only if every call was answered correctly. By default each path runs in a JVM of its
 * own ({@link IsolatedPaths}), as in a deployment; {@code "isolated": false} runs them all here. Run it with {@code bench/overhead.sh},
 * which also starts the {@link BenchServerVerticle}.
 */
public class OverheadBenchmark extends VerticleBase {

  /** Concurrency of the warm-up runs: enough to exercise every path's queues without flooding them. */
  private static final int WARMUP_CONCURRENCY = 16;
  private static final int WARMUP_PASSES = 2;
  private static final long PROBE_RETRY_MS = 100;
  /** A run is quiet if its JIT compiled for at most this share of it. */
  static final int SETTLED_JIT_PERCENT = 2;
  /**
   * A level has settled after this many quiet rounds in a row: the JIT compiles in bursts, and with one
   * quiet run as the test, bursts of 100-500 ms still fell in the measured rounds.
   */
  static final int SETTLED_QUIET_ROUNDS = 3;

  private BenchOptions options;

  @Override
  public Future<?> start() {
    try {
      options = BenchOptions.fromJson(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    // Deployment succeeds at once; the benchmark reports through stdout and the exit code.
    // In isolated mode the mesh's runner serves any Prometheus endpoint of the conf; this JVM must not take its port.
    MeshOptions conductor = options.isolated() ? new MeshOptions(options.mesh().toJson()).setPrometheus(new PrometheusOptions())
        : options.mesh();
    Mesh.join(vertx, conductor)
        .compose(this::pathRuns)
        .compose(runs -> measure(runs).transform(measured -> runs.stop().transform(v -> (Future<OverheadReport>) measured)))
        .onComplete(this::finish);
    return Future.succeededFuture();
  }

  /**
   * The runs of the paths that the conf asks for, once the server's replica is in this node's view
   * and its raw consumer answers: in child JVMs, one per path, or in this JVM.
   */
  private Future<PathRuns> pathRuns(Mesh mesh) {
    long awaitMs = options.awaitServerSeconds() * 1_000L;
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(options.callTimeoutMs());
    return mesh.awaitReplicas(BenchServerVerticle.SERVICE, 1, awaitMs)
        .compose(seen -> untilAnswered(CallPath.raw(vertx, delivery), System.nanoTime() + awaitMs * 1_000_000))
        .<PathRuns>compose(v -> {
          String replica = mesh.replicas(BenchServerVerticle.SERVICE).get(0).address();
          if (options.isolated()) {
            return IsolatedPaths.start(vertx, options, replica).map(PathRuns.class::cast);
          }
          List<CallPath> paths = options.paths().stream().map(name -> CallPath.of(name, vertx, replica, delivery)).toList();
          return Callers.deploy(vertx, options.callers()).map(callers -> (PathRuns) new LocalPaths(paths, callers));
        });
  }

  private Future<Void> untilAnswered(CallPath path, long deadlineNanos) {
    Promise<Void> answered = Promise.promise();
    path.call().apply(0).onComplete(ar -> {
      if (ar.succeeded()) {
        answered.complete();
      } else if (System.nanoTime() > deadlineNanos) {
        answered.fail("No answer from the server's " + path.name() + " consumer at " + BenchServerVerticle.RAW_ADDRESS
            + " within " + options.awaitServerSeconds() + " s (" + ar.cause() + "); is BenchServerVerticle running"
            + " in the same cluster (-Dbusmesh.cluster.name)?");
      } else {
        vertx.setTimer(PROBE_RETRY_MS, id -> untilAnswered(path, deadlineNanos).onComplete(answered));
      }
    });
    return answered.future();
  }

  /**
   * Warms every path up (in turns, twice), then measures each level in rounds, once the paths have
   * settled at that level (see {@link #settle}). Within a level the
   * paths take turns run by run, starting one further each round, so slow drift (JIT, GC, the other
   * JVM) falls on all of them alike rather than on whichever would always run first.
   */
  private Future<OverheadReport> measure(PathRuns runs) {
    List<String> paths = options.paths();
    OverheadReport report = new OverheadReport(paths);
    Future<Void> chain = Future.succeededFuture();
    long warmupNanos = options.warmupSeconds() * 1_000_000_000L / WARMUP_PASSES;
    for (int pass = 0; pass < WARMUP_PASSES; pass++) {
      for (String path : paths) {
        chain = chain.compose(v -> run(runs, path, new Level(1, WARMUP_CONCURRENCY), Integer.MAX_VALUE, warmupNanos,
            "warm-up")).mapEmpty();
      }
    }
    for (Level level : options.levels()) {
      chain = chain.compose(v -> settle(runs, level, options.settleRuns(), 0));
      for (int round = 0; round < options.rounds(); round++) {
        int turnShift = round;
        String label = "round " + (round + 1) + "/" + options.rounds();
        chain = chain.compose(v -> round(runs, level, turnShift, label).map(results -> {
          results.forEach(run -> report.add(level, run));
          return null;
        }));
      }
    }
    return chain.map(report);
  }

  /**
   * Runs every path once at {@code level}, in turns starting {@code turnShift} paths further (one further
   * each round), each run bounded by the conf's calls and time per run.
   */
  private Future<List<RunResult>> round(PathRuns runs, Level level, int turnShift, String label) {
    List<String> paths = options.paths();
    Future<List<RunResult>> chain = Future.succeededFuture(new ArrayList<>());
    for (int turn = 0; turn < paths.size(); turn++) {
      String path = paths.get((turn + turnShift) % paths.size());
      chain = chain.compose(results -> run(runs, path, level, options.callsPerRun(), options.maxNanosPerRun(), label)
          .map(run -> {
            results.add(run);
            return results;
          }));
    }
    return chain;
  }

  /**
   * Runs rounds at {@code level}, unmeasured, until every path's JIT was quiet in {@value #SETTLED_QUIET_ROUNDS}
   * rounds in a row (see {@link BenchOptions}) or {@code roundsLeft} rounds are over. The rounds are the
   * measured ones' very pattern, because the JIT throws away compiled code that meets a branch it never saw
   * taken: runs that stopped on their time bound alone, one path without pause, never ended on their call
   * count or resumed after idling through the others' turns, and the first measured rounds of the mesh then
   * spent 100-160 ms recompiling its whole inlined call path.
   */
  private Future<Void> settle(PathRuns runs, Level level, int roundsLeft, int quietInARow) {
    if (roundsLeft <= 0) {
      return Future.succeededFuture();
    }
    return round(runs, level, roundsLeft, "settling").compose(results -> {
      if (results.stream().anyMatch(run -> run.clientJitMillis() < 0)) {
        return Future.succeededFuture(); // no JIT figures in this JVM: nothing to wait for
      }
      boolean quiet = results.stream().allMatch(run ->
          run.clientJitMillis() * 1_000_000L * 100 <= (long) SETTLED_JIT_PERCENT * run.elapsedNanos());
      int quietRounds = quiet ? quietInARow + 1 : 0;
      return quietRounds >= SETTLED_QUIET_ROUNDS ? Future.succeededFuture() : settle(runs, level, roundsLeft - 1, quietRounds);
    });
  }

  private Future<RunResult> run(PathRuns runs, String path, Level level, int calls, long maxNanos, String label) {
    return serverCpu().compose(before -> runs.run(path, level, calls, maxNanos)
        .compose(run -> serverCpu().map(after -> before < 0 || after < 0 ? run : run.withServerCpu(after - before))))
        .compose(run -> {
          System.err.printf("busmesh-bench: %-9s %-13s in-flight %5s: %7d calls, %8.0f calls/s, JIT %4d ms (ended at %d ms)%n",
              label, path, level.label(), run.succeeded(), run.callsPerSecond(), run.clientJitMillis(),
              System.currentTimeMillis());
          return run.failed() == 0 ? Future.succeededFuture(run) : Future.failedFuture(run.failed()
              + " call(s) failed in the " + label + " run of " + path + " at " + level.label()
              + " in flight; first: " + run.firstError());
        });
  }

  /** CPU time the server's JVM used so far; -1 if it does not answer (a server of an older build). */
  private Future<Long> serverCpu() {
    return vertx.eventBus().<Long>request(ProcessCpu.SERVER_ADDRESS, null, new DeliveryOptions().setSendTimeout(2_000))
        .map(Message::body).otherwise(-1L);
  }

  private void finish(AsyncResult<OverheadReport> result) {
    Future<Void> written = Future.succeededFuture();
    int exitCode;
    if (result.succeeded()) {
      result.result().print(System.out, options);
      JsonObject json = result.result().toJson(options);
      System.out.println(json.encode());
      exitCode = 0;
      if (!options.report().equals("none")) {
        Path report = Path.of(options.report()).toAbsolutePath();
        written = vertx.fileSystem().mkdirs(report.getParent().toString())
            .compose(v -> vertx.fileSystem().writeFile(report.toString(),
                Buffer.buffer(OverheadHtml.render(result.result(), options, json))))
            .onSuccess(v -> System.err.println("busmesh-bench: report with plots in " + report))
            .onFailure(e -> System.err.println("busmesh-bench: could not write the report " + report + ": " + e));
      }
    } else {
      System.err.println("busmesh-bench: benchmark failed: " + result.cause().getMessage());
      exitCode = 1;
    }
    System.out.flush();
    // Vert.x's close future has no context: listened to directly, its listener runs once every loop is gone,
    // where a future composed on this verticle's context would hand it to a loop already terminated.
    written.otherwiseEmpty().onComplete(v -> vertx.close().onComplete(ar -> System.exit(exitCode)));
  }
}
