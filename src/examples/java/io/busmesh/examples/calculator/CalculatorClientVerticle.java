package io.busmesh.examples.calculator;

import io.busmesh.ConfigReader;
import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.ReplicaStats;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;

/**
 * Calls the calculator through its ordinary generated proxy and prints one JSON line of results:
 * {@code calls, ok, failed, perReplica, lastSentAtMillis (per replica), p50Us, p99Us, p999Us, ...}. Conf (every key optional):
 * {@code {"service": "calculator", "calls": 1000, "concurrency": 16, "exitWhenDone": true,
 * "callTimeoutMs": 10000, "maxDurationMs": 120000, "awaitReplicasMs": 30000, "pauseMs": 0, "mesh": {...}}}.
 * {@code pauseMs} is each of the {@code concurrency} callers' pause between an answer and its next call: a
 * steady, light load to watch on the dashboard rather than the most calls a second. With
 * {@code "stopFile": "/path"} the run also ends, as if its calls were done, once that file exists
 * (checked every 200 ms): a script stops a long run that way without cutting calls off mid-flight.
 * With {@code exitWhenDone} the process exits, with code 0 only if no call failed.
 */
public class CalculatorClientVerticle extends VerticleBase {

  private static final long EXIT_GRACE_MS = 15_000;
  private static final long STOP_FILE_CHECK_MS = 200;

  private String service;
  private int calls;
  private int concurrency;
  private boolean exitWhenDone;
  private long maxDurationMs;
  private long pauseMs;
  private String stopFile;
  private volatile boolean stopRequested;

  private Calculator calculator;
  private final Histogram latencyUs = new Histogram(3);
  private final Map<String, Integer> errors = new TreeMap<>();
  private int issued;
  private int ok;
  private int failed;
  private long deadlineNanos;
  private Promise<Void> finished;
  private Mesh mesh;
  private Map<String, ReplicaStats> before;
  private long started;

  @Override
  public Future<?> start() {
    long callTimeoutMs;
    long awaitReplicasMs;
    MeshOptions meshOptions;
    try {
      ConfigReader conf = new ConfigReader("conf of CalculatorClientVerticle", config(), "service", "calls",
          "concurrency", "exitWhenDone", "callTimeoutMs", "maxDurationMs", "awaitReplicasMs", "pauseMs", "stopFile", "mesh");
      service = conf.string("service", "calculator");
      calls = conf.positiveInt("calls", 1000);
      concurrency = conf.positiveInt("concurrency", 16);
      exitWhenDone = conf.bool("exitWhenDone", true);
      callTimeoutMs = conf.positiveLong("callTimeoutMs", 10_000);
      maxDurationMs = conf.positiveLong("maxDurationMs", 120_000);
      awaitReplicasMs = conf.positiveLong("awaitReplicasMs", 30_000);
      pauseMs = conf.longBetween("pauseMs", 0, 0, 60_000);
      stopFile = conf.string("stopFile", null);
      meshOptions = new MeshOptions(conf.object("mesh", null));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    calculator = new ServiceProxyBuilder(vertx)
        .setAddress(service)
        .setOptions(new DeliveryOptions().setSendTimeout(callTimeoutMs).setLocalOnly(true)) // only this node's balancer answers
        .build(Calculator.class);
    // Deployment succeeds at once; the run reports through stdout and the exit code.
    Mesh.join(vertx, meshOptions)
        .compose(mesh -> mesh.awaitReplicas(service, 1, awaitReplicasMs).compose(replicas -> run(mesh)))
        .onComplete(this::finish);
    return Future.succeededFuture();
  }

  private Future<JsonObject> run(Mesh mesh) {
    this.mesh = mesh;
    before = mesh.stats(service);
    started = System.nanoTime();
    deadlineNanos = started + maxDurationMs * 1_000_000;
    if (stopFile != null) {
      vertx.setPeriodic(STOP_FILE_CHECK_MS, id -> vertx.fileSystem().exists(stopFile).onSuccess(exists -> {
        if (exists) {
          stopRequested = true;
          vertx.cancelTimer(id);
        }
      }));
    }
    finished = Promise.promise();
    for (int i = 0; i < Math.min(concurrency, calls); i++) {
      next();
    }
    return finished.future().map(v -> summary(mesh, before, System.nanoTime() - started));
  }

  private void next() {
    if (issued >= calls || System.nanoTime() > deadlineNanos || stopRequested) {
      if (ok + failed == issued) {
        finished.tryComplete();
      }
      return;
    }
    int a = issued++;
    long sent = System.nanoTime();
    calculator.add(a, 1).onComplete(answer -> {
      latencyUs.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
      record(answer, a + 1);
      if (pauseMs > 0) {
        vertx.setTimer(pauseMs, id -> next());
      } else {
        next();
      }
    });
  }

  private void record(AsyncResult<Integer> answer, int expected) {
    if (answer.succeeded() && answer.result() == expected) {
      ok++;
      return;
    }
    failed++;
    String error = answer.succeeded() ? "wrong result " + answer.result() + ", expected " + expected
        : answer.cause().getClass().getSimpleName() + ": " + answer.cause().getMessage();
    errors.merge(error, 1, Integer::sum);
  }

  private JsonObject summary(Mesh mesh, Map<String, ReplicaStats> before, long elapsedNanos) {
    JsonObject perReplica = new JsonObject();
    JsonObject lastSentAt = new JsonObject();
    mesh.stats(service).forEach((address, after) -> {
      ReplicaStats earlier = before.get(address);
      long answered = after.completed() - (earlier == null ? 0 : earlier.completed());
      if (answered > 0) {
        perReplica.put(address, answered);
        lastSentAt.put(address, after.lastSentAtMillis());
      }
    });
    JsonObject errorCounts = new JsonObject();
    errors.entrySet().stream().limit(10).forEach(e -> errorCounts.put(e.getKey(), e.getValue()));
    double seconds = elapsedNanos / 1e9;
    return new JsonObject()
        .put("service", service)
        .put("calls", issued)
        .put("ok", ok)
        .put("failed", failed)
        .put("perReplica", perReplica)
        .put("lastSentAtMillis", lastSentAt)
        .put("p50Us", latencyUs.getValueAtPercentile(50))
        .put("p99Us", latencyUs.getValueAtPercentile(99))
        .put("p999Us", latencyUs.getValueAtPercentile(99.9))
        .put("maxUs", latencyUs.getMaxValue())
        .put("elapsedMs", elapsedNanos / 1_000_000)
        .put("callsPerSecond", Math.round(issued / Math.max(seconds, 1e-9)))
        .put("errors", errorCounts);
  }

  /** Stopped before the run ended (SIGTERM to the launcher): prints what was done so far. */
  @Override
  public Future<?> stop() {
    if (finished != null && !finished.future().isComplete()) {
      System.out.println(summary(mesh, before, System.nanoTime() - started).put("stopped", true).encode());
      System.out.flush();
    }
    return Future.succeededFuture();
  }

  /** A close that hangs (say, Hazelcast waiting on a dead peer) must not keep the process alive. */
  private static void exitWithin(long graceMs, int code) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(graceMs);
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("busmesh: Vert.x did not close within " + graceMs + " ms; exiting anyway");
      Runtime.getRuntime().halt(code);
    }, "busmesh-exit-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private void finish(AsyncResult<JsonObject> result) {
    JsonObject summary = result.succeeded() ? result.result()
        : new JsonObject().put("service", service).put("calls", issued).put("ok", ok).put("failed", Math.max(failed, 1))
            .put("perReplica", new JsonObject()).put("error", result.cause().getMessage());
    System.out.println(summary.encode());
    System.out.flush();
    if (exitWhenDone) {
      int code = result.succeeded() && failed == 0 ? 0 : 1;
      exitWithin(EXIT_GRACE_MS, code);
      vertx.close().onComplete(ar -> System.exit(code));
    }
  }
}
