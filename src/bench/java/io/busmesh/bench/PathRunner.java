package io.busmesh.bench;

import io.busmesh.ConfigReader;
import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.PrometheusOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * One call path of the overhead benchmark in a JVM of its own, as a deployment has it: a service's
 * callers use the mesh or they do not, and the JIT of their JVM compiles for that path alone. Only
 * the mesh path joins the mesh here; the others run on a plain clustered Vert.x. Started and stopped
 * by {@link IsolatedPaths}; answers its run requests on {@link #address}. Conf:
 * {@code {"path": "mesh", "callers": 4, "callTimeoutMs": 10000, "conductorPid": 1234, "mesh": {...MeshOptions}}}.
 */
public class PathRunner extends VerticleBase {

  private static final long WATCH_MS = 1_000;

  private CallPath path;
  private Callers callers;

  /** Where the runner of {@code path} takes requests: a run (see {@link #runRequest}), or {@code {}} to ask whether it is ready. */
  static String address(String path) {
    return "busmesh-bench.runner." + path;
  }

  /** A run of {@code level}, at most {@code calls} calls and {@code maxNanos}, to the replica at {@code replica}. */
  static JsonObject runRequest(String replica, Level level, int calls, long maxNanos) {
    return new JsonObject().put("replica", replica).put("callers", level.callers()).put("inFlight", level.inFlight())
        .put("calls", calls).put("maxNanos", maxNanos);
  }

  @Override
  public Future<?> start() {
    String name;
    int callerCount;
    DeliveryOptions delivery;
    MeshOptions meshOptions;
    try {
      ConfigReader in = new ConfigReader("conf of PathRunner", config(), "path", "callers", "callTimeoutMs", "conductorPid",
          "mesh");
      name = in.string("path", null);
      if (!BenchOptions.KNOWN_PATHS.contains(name)) {
        throw new IllegalArgumentException("conf of PathRunner: 'path' must be one of " + BenchOptions.KNOWN_PATHS + ", got " + name);
      }
      callerCount = in.positiveInt("callers", 4);
      delivery = new DeliveryOptions().setSendTimeout(in.positiveLong("callTimeoutMs", 10_000));
      meshOptions = new MeshOptions(in.object("mesh", null));
      watch(in.positiveLong("conductorPid", ProcessHandle.current().pid()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Future<?> joined = switch (name) {
      case CallPath.MESH -> Mesh.join(vertx, meshOptions);
      case CallPath.MESH_PROMETHEUS -> Mesh.join(vertx, withPrometheus(meshOptions));
      default -> Future.succeededFuture();
    };
    return joined
        .compose(v -> Callers.deploy(vertx, callerCount))
        .compose(deployed -> {
          callers = deployed;
          return vertx.eventBus().<JsonObject>consumer(address(name), request -> answer(name, delivery, request))
              .completion();
        });
  }

  /** The options with Prometheus metrics served on a free loopback port, as a scraped node runs. */
  private static MeshOptions withPrometheus(MeshOptions options) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new MeshOptions(options.toJson()).setPrometheus(new PrometheusOptions().setPort(socket.getLocalPort()));
    } catch (IOException e) {
      throw new UncheckedIOException("No free loopback port for the mesh-prometheus path's endpoint", e);
    }
  }

  /** Ends this JVM if the benchmark that started it is gone (killed before it could stop its runners). */
  private void watch(long conductorPid) {
    vertx.setPeriodic(WATCH_MS, id -> {
      if (ProcessHandle.of(conductorPid).map(ProcessHandle::isAlive).orElse(false)) {
        return;
      }
      System.err.println("busmesh-bench: the benchmark JVM " + conductorPid + " is gone; this runner stops");
      vertx.close().onComplete(ar -> System.exit(1));
    });
  }

  private void answer(String name, DeliveryOptions delivery, Message<JsonObject> request) {
    JsonObject run = request.body();
    if (!run.containsKey("replica")) {
      request.reply(new JsonObject().put("ready", true));
      return;
    }
    if (path == null) {
      // The replica's address comes with the first run: only the mesh path finds replicas by itself.
      path = CallPath.of(name, vertx, run.getString("replica"), delivery);
    }
    int callerCount = run.getInteger("callers");
    int inFlight = run.getInteger("inFlight");
    int calls = run.getInteger("calls");
    long maxNanos = run.getLong("maxNanos");
    Future<RunResult> result = ProcessCpu.charged(() -> callerCount == 1 ? LoadRunner.run(path, inFlight, calls, maxNanos)
        : callers.run(path, inFlight, calls, maxNanos));
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        request.reply(ar.result().toJson());
      } else {
        request.fail(500, "the run of " + name + " failed: " + ar.cause());
      }
    });
  }
}
