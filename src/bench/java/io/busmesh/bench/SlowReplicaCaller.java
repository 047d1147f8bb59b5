package io.busmesh.bench;

import io.busmesh.ConfigReader;
import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.Replica;
import io.busmesh.ReplicaStats;
import io.busmesh.examples.calculator.Calculator;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The caller of {@code bench/slow-replica.sh} (a benchmark, not a test): started as its own launcher
 * process right after the replicas' processes, as a deployment starts, it calls the service as soon as
 * it sees them, through the generated proxy with the strategy its conf gives (the default if none),
 * and reports how many calls reached the replica published with metadata {@code {"slow": true}}, over
 * the first {@code firstCalls} calls and over all of them, with latency percentiles; then it exits.
 * Conf: {@code {"service": "calculator", "replicas": 3, "calls": 30000, "firstCalls": 3000,
 * "concurrency": 16, "label": "...", "mesh": {...MeshOptions}}}.
 */
public class SlowReplicaCaller extends VerticleBase {

  private static final long TIMEOUT_MS = 30_000;
  private static final long MAX_SECONDS_PER_RUN = 60;

  @Override
  public Future<?> start() {
    ConfigReader conf = new ConfigReader("conf of SlowReplicaCaller", config(), "service", "replicas", "calls",
        "firstCalls", "concurrency", "label", "mesh");
    String service = conf.string("service", "calculator");
    int replicas = conf.positiveInt("replicas", 3);
    int calls = conf.positiveInt("calls", 30_000);
    int firstCalls = conf.positiveInt("firstCalls", 3_000);
    int concurrency = conf.positiveInt("concurrency", 16);
    String label = conf.string("label", "default");
    MeshOptions meshOptions = new MeshOptions(conf.object("mesh", null));
    Mesh.join(vertx, meshOptions)
        .compose(mesh -> mesh.awaitReplicas(service, replicas, 60_000).compose(seen -> {
          String slow = seen.stream().filter(r -> r.metadata().getBoolean("slow", false)).map(Replica::address)
              .findFirst().orElse(null);
          Calculator calculator = new ServiceProxyBuilder(vertx).setAddress(service)
              .setOptions(new DeliveryOptions().setSendTimeout(TIMEOUT_MS).setLocalOnly(true)).build(Calculator.class);
          CallPath path = new CallPath(label, i -> calculator.add(i, 1));
          long maxNanos = TimeUnit.SECONDS.toNanos(MAX_SECONDS_PER_RUN);
          return LoadRunner.run(path, concurrency, firstCalls, maxNanos).compose(first -> {
            long[] slowAfterFirst = attempts(mesh.stats(service), slow);
            return LoadRunner.run(path, concurrency, calls - firstCalls, maxNanos).compose(rest -> mesh.metrics(service)
                .map(metrics -> {
              System.err.println("busmesh-bench: metrics at the end: " + metrics.toJson().encode());
              long[] slowAtEnd = attempts(mesh.stats(service), slow);
              Histogram all = first.latencyNanos().copy();
              all.add(rest.latencyNanos());
              long elapsed = first.elapsedNanos() + rest.elapsedNanos();
              return new JsonObject().put("benchmark", "busmesh-slow-replica").put("label", label)
                  .put("strategy", meshOptions.forService(service).getStrategy())
                  .put("slowReplica", slow)
                  .put("failed", first.failed() + rest.failed())
                  .put("firstError", first.firstError() != null ? first.firstError() : rest.firstError())
                  .put("first", figures(first.succeeded(), slowAfterFirst, first.latencyNanos(), first.elapsedNanos()))
                  .put("all", figures(first.succeeded() + rest.succeeded(), slowAtEnd, all, elapsed))
                  .put("callsPerReplica", new JsonArray(mesh.stats(service).values().stream()
                      .map(s -> s.completed() + s.inFlight()).sorted().toList()));
            }));
          });
        }))
        .onComplete(ar -> {
          int code = 0;
          if (ar.succeeded()) {
            System.out.println(ar.result().encode());
            code = ar.result().getLong("failed") == 0 ? 0 : 1;
          } else {
            System.err.println("busmesh-bench: slow-replica caller failed: " + ar.cause());
            code = 1;
          }
          int exit = code;
          vertx.close().onComplete(x -> System.exit(exit));
        });
    return Future.succeededFuture();
  }

  /** [attempts sent to the slow replica, attempts sent to any replica], ended or not. */
  private static long[] attempts(Map<String, ReplicaStats> stats, String slow) {
    long slowAttempts = 0;
    long total = 0;
    for (ReplicaStats s : stats.values()) {
      long sent = s.completed() + s.inFlight();
      total += sent;
      if (s.address().equals(slow)) {
        slowAttempts += sent;
      }
    }
    return new long[] {slowAttempts, total};
  }

  private static JsonObject figures(long calls, long[] slowAndTotal, Histogram latency, long elapsedNanos) {
    return new JsonObject().put("calls", calls)
        .put("slowSharePercent", slowAndTotal[1] == 0 ? 0 : Math.round(10_000.0 * slowAndTotal[0] / slowAndTotal[1]) / 100.0)
        .put("callsPerSecond", Math.round(calls / (elapsedNanos / 1e9)))
        .put("p50Ms", millis(latency, 50)).put("p99Ms", millis(latency, 99)).put("p999Ms", millis(latency, 99.9))
        .put("maxMs", Math.round(latency.getMaxValue() / 1e4) / 100.0);
  }

  private static double millis(Histogram latency, double percentile) {
    return Math.round(latency.getValueAtPercentile(percentile) / 1e4) / 100.0;
  }
}
