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
  /** A settling run lasts this long. */
  private static final long SETTLE_RUN_NANOS = 1_000_000_000L;
  /** A run is quiet if its JIT compiled for at most this share of it. */
  static final int SETTLED_JIT_PERCENT = 2;
  /**
   * A path has settled at a level after this many quiet runs in a row: the JIT compiles in bursts, and
   * with one quiet second as the test, bursts of 100-500 ms still fell in the measured rounds.
   */
  static final int SETTLED_QUIET_RUNS = 3;

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
   * Warms every path up (in turns, twice), then measures each level in rounds, once every path has
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
      for (String path : paths) {
        chain = chain.compose(v -> settle(runs, path, level, options.settleRuns(), 0));
      }
      for (int round = 0; round < options.rounds(); round++) {
        for (int turn = 0; turn < paths.size(); turn++) {
          String path = paths.get((turn + round) % paths.size());
          String label = "round " + (round + 1) + "/" + options.rounds();
          chain = chain.compose(v -> run(runs, path, level, options.callsPerRun(), options.maxNanosPerRun(), label))
              .map(run -> {
                report.add(level, run);
                return null;
              });
        }
      }
    }
    return chain.map(report);
  }

  /**
   * Runs {@code path} at {@code level}, unmeasured, until its JIT was quiet {@value #SETTLED_QUIET_RUNS} runs in
   * a row (see {@link BenchOptions}) or {@code runsLeft} runs are over.
   */
  private Future<Void> settle(PathRuns runs, String path, Level level, int runsLeft, int quietInARow) {
    if (runsLeft <= 0) {
      return Future.succeededFuture();
    }
    return run(runs, path, level, Integer.MAX_VALUE, SETTLE_RUN_NANOS, "settling").compose(run -> {
      if (run.clientJitMillis() < 0) {
        return Future.succeededFuture(); // no JIT figures in this JVM: nothing to wait for
      }
      boolean quiet = run.clientJitMillis() * 1_000_000L * 100 <= (long) SETTLED_JIT_PERCENT * run.elapsedNanos();
      int quietRuns = quiet ? quietInARow + 1 : 0;
      return quietRuns >= SETTLED_QUIET_RUNS ? Future.succeededFuture() : settle(runs, path, level, runsLeft - 1, quietRuns);
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
    written.otherwiseEmpty().compose(v -> vertx.close()).onComplete(ar -> System.exit(exitCode));
  }
}
