package io.busmesh.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Callers on several event loops of one node: a verticle deployed once per caller gives each its own
 * context, on Vert.x's event loops in turn, and a run starts one {@link LoadRunner} on each and sums
 * what they measured.
 */
final class Callers {

  private final List<Context> contexts;

  private Callers(List<Context> contexts) {
    this.contexts = List.copyOf(contexts);
  }

  /** Deploys {@code count} caller contexts. */
  static Future<Callers> deploy(Vertx vertx, int count) {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(count)).map(id -> new Callers(contexts));
  }

  /** Every caller keeps {@code inFlight} calls of {@code path} in flight for {@code calls} calls (in all) or {@code maxNanos}. */
  Future<RunResult> run(CallPath path, int inFlight, int calls, long maxNanos) {
    List<Future<RunResult>> runs = new ArrayList<>();
    int perCaller = Math.max(1, calls / contexts.size());
    for (Context context : contexts) {
      Promise<RunResult> done = Promise.promise();
      context.runOnContext(v -> LoadRunner.run(path, inFlight, perCaller, maxNanos).onComplete(done));
      runs.add(done.future());
    }
    return Future.all(runs).map(all -> {
      Histogram latency = new Histogram(LoadRunner.MAX_TRACKED_NANOS, 3);
      long succeeded = 0;
      long failed = 0;
      long elapsed = 0;
      String firstError = null;
      for (Future<RunResult> run : runs) {
        RunResult r = run.result();
        latency.add(r.latencyNanos());
        succeeded += r.succeeded();
        failed += r.failed();
        elapsed = Math.max(elapsed, r.elapsedNanos());
        firstError = firstError != null ? firstError : r.firstError();
      }
      return new RunResult(path.name(), inFlight * contexts.size(), succeeded, failed, firstError, elapsed, latency);
    });
  }
}
