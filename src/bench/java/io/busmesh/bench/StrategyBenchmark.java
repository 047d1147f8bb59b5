package io.busmesh.bench;

import com.hazelcast.config.Config;
import io.busmesh.ConfigReader;
import io.busmesh.FaultMode;
import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.Replica;
import io.busmesh.ReplicaStats;
import io.busmesh.ServiceOptions;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.launcher.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Client JVM of the strategy benchmark (a benchmark, not a test), against a {@link StrategyBenchServer}:
 * <ol>
 *   <li>(a) one slow replica: for each strategy, switched at run time, throughput, p50/p99/p99.9
 *   and the share of calls that reached the slow replica, against an all-healthy baseline;</li>
 *   <li>(b) four caller nodes against three replicas, one of them sticky to a single replica (a hot
 *   key): the time-averaged max/mean of the replicas' own in-flight counts when the other three
 *   balance with the shared cluster-wide view, and with each node's local view only.</li>
 * </ol>
 * Prints tables and a JSON line, then exits (0 if every call succeeded). Run with {@code bench/strategies.sh}.
 */
public class StrategyBenchmark extends VerticleBase {

  private static final List<String> STRATEGIES = List.of("round-robin", "random", "weighted", "least-in-flight",
      "p2c", "peak-ewma", "adaptive", "consistent-hash");
  private static final long TIMEOUT_MS = 30_000;

  private int calls;
  private int concurrency;
  private long maxSecondsPerRun;
  private int callerNodes;
  private long sharedSeconds;
  private int sharedConcurrency;
  private long sharePeriodMs;
  private boolean runSlowReplica;
  private boolean runSharedView;
  private boolean runHedging;
  private final JsonObject json = new JsonObject();
  private String report;
  private long failures;

  @Override
  public Future<?> start() {
    try {
      ConfigReader conf = new ConfigReader("conf of StrategyBenchmark", config(), "calls", "concurrency",
          "maxSecondsPerRun", "callerNodes", "sharedSeconds", "sharedConcurrency", "sharePeriodMs", "slowReplica",
          "sharedView", "hedging", "report");
      calls = conf.positiveInt("calls", 20_000);
      concurrency = conf.positiveInt("concurrency", 16);
      maxSecondsPerRun = conf.positiveLong("maxSecondsPerRun", 15);
      callerNodes = conf.positiveInt("callerNodes", 4);
      sharedSeconds = conf.positiveLong("sharedSeconds", 5);
      sharedConcurrency = conf.positiveInt("sharedConcurrency", 16);
      sharePeriodMs = conf.positiveLong("sharePeriodMs", MeshOptions.DEFAULT_LOAD_SHARE_PERIOD_MS);
      runSlowReplica = conf.bool("slowReplica", true);
      runSharedView = conf.bool("sharedView", true);
      runHedging = conf.bool("hedging", true);
      report = conf.string("report", "target/bench/strategies.html");
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Mesh.join(vertx)
        .compose(mesh -> runSlowReplica ? slowReplica(mesh) : Future.succeededFuture())
        .compose(v -> runSharedView ? sharedView() : Future.succeededFuture())
        .compose(v -> runHedging ? hedging() : Future.succeededFuture())
        .onComplete(ar -> {
          if (ar.failed()) {
            System.err.println("busmesh-bench: failed: " + ar.cause());
            ar.cause().printStackTrace();
          }
          System.out.println(json.encode());
          int code = ar.succeeded() && failures == 0 ? 0 : 1;
          writeReport().otherwiseEmpty().onComplete(v -> vertx.close().onComplete(x -> System.exit(code))); // see OverheadBenchmark.finish
        });
    return Future.succeededFuture();
  }

  /** The HTML report with plots, unless the conf turned it off ({@code "report": "none"}). */
  private Future<Void> writeReport() {
    if (report.equals("none")) {
      return Future.succeededFuture();
    }
    Path file = Path.of(report).toAbsolutePath();
    return vertx.fileSystem().mkdirs(file.getParent().toString())
        .compose(v -> vertx.fileSystem().writeFile(file.toString(), Buffer.buffer(StrategyHtml.render(json))))
        .onSuccess(v -> System.err.println("busmesh-bench: report with plots in " + file))
        .onFailure(e -> System.err.println("busmesh-bench: could not write the report " + file + ": " + e));
  }

  // ---- (a) one slow replica ------------------------------------------------------------------

  private Future<Void> slowReplica(Mesh mesh) {
    return mesh.awaitReplicas(StrategyBenchServer.HEALTHY, 3, 60_000)
        .compose(v -> mesh.awaitReplicas(StrategyBenchServer.MIXED, 3, 60_000))
        .compose(mixed -> {
          String slow = mixed.stream().filter(r -> r.metadata().getBoolean("slow", false))
              .map(Replica::address).findFirst().orElseThrow();
          System.out.printf("%n(a) 3 replicas, one 20x slower; %d calls per strategy, %d in flight%n", calls, concurrency);
          System.out.printf("%-16s %10s %9s %9s %10s %8s%n", "strategy", "calls/s", "p50 us", "p99 us", "p99.9 us", "slow %");
          JsonArray rows = new JsonArray();
          json.put("slowReplica", rows);
          Future<Void> chain = mesh.useStrategy(StrategyBenchServer.HEALTHY, "p2c", new JsonObject())
              .compose(v -> run(mesh, StrategyBenchServer.HEALTHY, "all-healthy p2c", null, rows));
          for (String strategy : STRATEGIES) {
            JsonObject settings = strategy.equals("consistent-hash") ? new JsonObject().put("hashKey", "arg:a") : new JsonObject();
            chain = chain.compose(v -> mesh.useStrategy(StrategyBenchServer.MIXED, strategy, settings))
                .compose(v -> run(mesh, StrategyBenchServer.MIXED, strategy, slow, rows));
          }
          return chain;
        });
  }

  private Future<Void> run(Mesh mesh, String service, String label, String slowAddress, JsonArray rows) {
    Calculator calculator = new ServiceProxyBuilder(vertx).setAddress(service)
        .setOptions(new DeliveryOptions().setSendTimeout(TIMEOUT_MS)).build(Calculator.class);
    CallPath path = new CallPath(label, i -> calculator.add(i, 1));
    long slowBefore = slowCalls(mesh, service, slowAddress);
    return LoadRunner.run(path, concurrency, calls / 10, TimeUnit.SECONDS.toNanos(maxSecondsPerRun)) // warm-up
        .compose(warm -> LoadRunner.run(path, concurrency, calls, TimeUnit.SECONDS.toNanos(maxSecondsPerRun)))
        .map(result -> {
          failures += result.failed();
          long slowCalls = slowCalls(mesh, service, slowAddress) - slowBefore;
          long total = result.succeeded() + result.failed();
          double slowShare = slowAddress == null ? 0 : 100.0 * slowCalls / Math.max(1, total + total / 10);
          double p50 = result.latencyNanos().getValueAtPercentile(50) / 1e3;
          double p99 = result.latencyNanos().getValueAtPercentile(99) / 1e3;
          double p999 = result.latencyNanos().getValueAtPercentile(99.9) / 1e3;
          System.out.printf("%-16s %10.0f %9.0f %9.0f %10.0f %8.2f%n", label, result.callsPerSecond(), p50, p99, p999, slowShare);
          rows.add(new JsonObject().put("strategy", label).put("callsPerSecond", Math.round(result.callsPerSecond()))
              .put("p50Us", p50).put("p99Us", p99).put("p999Us", p999).put("slowSharePercent", slowShare)
              .put("failed", result.failed()));
          return null;
        });
  }

  /** Calls this node has sent to the slow replica so far (warm-up included, hence the 1.1 × calls above). */
  private static long slowCalls(Mesh mesh, String service, String slowAddress) {
    if (slowAddress == null) {
      return 0;
    }
    ReplicaStats stats = mesh.stats(service).get(slowAddress);
    return stats == null ? 0 : stats.completed() + stats.inFlight();
  }

  // ---- (b) shared view versus local view ------------------------------------------------------

  private Future<Void> sharedView() {
    System.out.printf("%n(b) %d caller nodes (one sticky to a single replica, %d balancing), 3 replicas (exponential"
        + " service time), %d in flight per caller, %d s per run, counts shared every %d ms%n",
        callerNodes, callerNodes - 1, sharedConcurrency, sharedSeconds, sharePeriodMs);
    System.out.printf("%-16s %-8s %14s %14s%n", "strategy", "view", "max/mean", "mean in-flight");
    JsonArray rows = new JsonArray();
    json.put("sharedView", rows);
    return sharedRun(true, rows).compose(v -> sharedRun(false, rows));
  }

  private Future<Void> sharedRun(boolean share, JsonArray rows) {
    MeshOptions options = new MeshOptions().setShareInFlight(share).setLoadSharePeriodMs(sharePeriodMs)
        .setService(StrategyBenchServer.SHARED, new ServiceOptions().setCallTimeoutMs(TIMEOUT_MS));
    return startCallers(options, callerNodes, StrategyBenchServer.SHARED).compose(nodes -> {
      Future<Void> chain = Future.succeededFuture();
      for (String strategy : List.of("least-in-flight", "p2c")) {
        chain = chain.compose(v -> measureSpread(nodes, strategy, share, rows));
      }
      return chain.eventually(() -> Future.join(nodes.stream().map(Vertx::close).toList()));
    });
  }

  private Future<Void> measureSpread(List<Vertx> nodes, String strategy, boolean share, JsonArray rows) {
    // Caller 0 is sticky (all its calls hash to one replica, like a hot key or a client pinned to a
    // replica); the others balance with the strategy under test and must make up for it.
    List<Future<Void>> switched = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Future<Void> change = i == 0
          ? Mesh.join(nodes.get(i)).compose(m -> m.useStrategy(StrategyBenchServer.SHARED, "consistent-hash",
              new JsonObject().put("hashKey", "arg:b")))
          : Mesh.join(nodes.get(i)).compose(m -> m.useStrategy(StrategyBenchServer.SHARED, strategy, new JsonObject()));
      switched.add(change);
    }
    return Future.all(switched)
        .compose(v -> load(nodes, 2)) // warm-up: EWMAs, caches, JIT
        .compose(v -> vertx.eventBus().request(StrategyBenchServer.SAMPLER_ADDRESS, new JsonObject().put("op", "start")))
        .compose(v -> load(nodes, sharedSeconds))
        .compose(v -> vertx.eventBus().<JsonObject>request(StrategyBenchServer.SAMPLER_ADDRESS, new JsonObject().put("op", "stop")))
        .map(reply -> {
          JsonObject sample = reply.body();
          System.out.printf("%-16s %-8s %14.3f %14.2f%n", strategy, share ? "shared" : "local",
              sample.getDouble("maxOverMean"), sample.getDouble("meanInFlight"));
          rows.add(sample.put("strategy", strategy).put("view", share ? "shared" : "local"));
          return null;
        });
  }

  /** Every caller node keeps {@code concurrency} calls in flight for {@code seconds}. */
  private Future<Void> load(List<Vertx> nodes, long seconds) {
    List<Future<RunResult>> runs = new ArrayList<>();
    for (Vertx node : nodes) {
      Promise<RunResult> done = Promise.promise();
      node.runOnContext(v -> {
        Calculator calculator = new ServiceProxyBuilder(node).setAddress(StrategyBenchServer.SHARED)
            .setOptions(new DeliveryOptions().setSendTimeout(TIMEOUT_MS)).build(Calculator.class);
        LoadRunner.run(new CallPath("shared", i -> calculator.add(i, 1)), sharedConcurrency, Integer.MAX_VALUE,
            TimeUnit.SECONDS.toNanos(seconds)).onComplete(done);
      });
      runs.add(done.future());
    }
    return Future.all(runs).map(all -> {
      for (Future<RunResult> run : runs) {
        failures += run.result().failed();
      }
      return null;
    });
  }

  // ---- (c) hedging --------------------------------------------------------------------------------

  private Future<Void> hedging() {
    System.out.printf("%n(c) hedging (p2c, %d calls, %d in flight): a backup after the p95 of recent latency,"
        + " at most 5%% extra requests%n", calls, concurrency);
    System.out.printf("%-34s %-9s %10s %9s %9s %10s %12s%n", "service", "mode", "calls/s", "p50 us", "p99 us",
        "p99.9 us", "extra load %");
    JsonArray rows = new JsonArray();
    json.put("hedging", rows);
    Future<Void> chain = Future.succeededFuture();
    for (String service : List.of(StrategyBenchServer.STRAGGLER, StrategyBenchServer.MIXED)) {
      for (FaultMode mode : List.of(FaultMode.FAILOVER, FaultMode.HEDGED)) {
        chain = chain.compose(v -> hedgingRun(service, mode, rows));
      }
    }
    return chain;
  }

  private Future<Void> hedgingRun(String service, FaultMode mode, JsonArray rows) {
    MeshOptions options = new MeshOptions().setService(service, new ServiceOptions().setCallTimeoutMs(TIMEOUT_MS)
        .setFaultMode(mode).setIdempotentMethods(java.util.Set.of("add")));
    return startCallers(options, 1, service).compose(nodes -> {
      Vertx node = nodes.get(0);
      Promise<Void> done = Promise.promise();
      node.runOnContext(v -> {
        Calculator calculator = new ServiceProxyBuilder(node).setAddress(service)
            .setOptions(new DeliveryOptions().setSendTimeout(TIMEOUT_MS)).build(Calculator.class);
        CallPath path = new CallPath(service, i -> calculator.add(i, 1));
        LoadRunner.run(path, concurrency, calls / 5, TimeUnit.SECONDS.toNanos(maxSecondsPerRun)) // warm-up, and the trigger learns
            .compose(warm -> Mesh.join(node).map(mesh -> attempts(mesh, service)))
            .compose(before -> LoadRunner.run(path, concurrency, calls, TimeUnit.SECONDS.toNanos(maxSecondsPerRun))
                .compose(result -> Mesh.join(node).map(mesh -> {
                  failures += result.failed();
                  long total = result.succeeded() + result.failed();
                  double extra = 100.0 * (attempts(mesh, service) - before - total) / Math.max(1, total);
                  double p50 = result.latencyNanos().getValueAtPercentile(50) / 1e3;
                  double p99 = result.latencyNanos().getValueAtPercentile(99) / 1e3;
                  double p999 = result.latencyNanos().getValueAtPercentile(99.9) / 1e3;
                  System.out.printf("%-34s %-9s %10.0f %9.0f %9.0f %10.0f %12.2f%n", service, mode.configName(),
                      result.callsPerSecond(), p50, p99, p999, extra);
                  rows.add(new JsonObject().put("service", service).put("mode", mode.configName())
                      .put("callsPerSecond", Math.round(result.callsPerSecond())).put("p50Us", p50).put("p99Us", p99)
                      .put("p999Us", p999).put("extraLoadPercent", extra));
                  return (Void) null;
                })))
            .onComplete(done);
      });
      return done.future().eventually(node::close);
    });
  }

  /** Attempts this node has sent to the replicas of {@code service}, ended or not. */
  private static long attempts(Mesh mesh, String service) {
    return mesh.stats(service).values().stream().mapToLong(s -> s.completed() + s.inFlight()).sum();
  }

  /** Starts the caller nodes one after the other (Hazelcast prefers it) in this JVM, each a cluster member with its own balancer. */
  private Future<List<Vertx>> startCallers(MeshOptions options, int count, String service) {
    List<Vertx> nodes = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      chain = chain.compose(v -> {
        Config config = ClusterConfig.load();
        VertxOptions vertxOptions = new VertxOptions();
        vertxOptions.getEventBusOptions().setHost("127.0.0.1").setPort(0);
        return Vertx.builder().with(vertxOptions).withClusterManager(new HazelcastClusterManager(config)).buildClustered()
            .compose(node -> Mesh.join(node, options)
                .compose(mesh -> mesh.awaitReplicas(service, 3, 60_000))
                .map(r -> {
                  nodes.add(node);
                  return null;
                }));
      });
    }
    return chain.map(v -> nodes);
  }
}
