package io.busmesh.bench;

import io.busmesh.ConfigReader;
import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.examples.calculator.CalculatorImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Server side of the overhead benchmark: one calculator replica published in the mesh, and a plain
 * event-bus consumer doing the same addition, so the client can compare the two paths to one JVM.
 * Prints {@link #READY_LINE} once both answer; {@code bench/overhead.sh} waits for it. Conf:
 * {@code {"mesh": {...MeshOptions}}}, optional (e.g. {@code "security"} for event-bus TLS).
 */
public class BenchServerVerticle extends VerticleBase {

  /** Service name the replica is published under. */
  public static final String SERVICE = "calculator";
  /** Address of the plain consumer, the benchmark's baseline. */
  public static final String RAW_ADDRESS = "bench.raw";
  /** Start of the line printed when the server is ready. */
  public static final String READY_LINE = "busmesh-bench: server ready";

  @Override
  public Future<?> start() {
    MeshOptions meshOptions;
    try {
      meshOptions = new MeshOptions(new ConfigReader("conf of BenchServerVerticle", config(), "mesh").object("mesh", null));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    // Registered before the replica is published, so a client that sees the replica finds it too.
    Future<Void> raw = vertx.eventBus().<JsonObject>consumer(RAW_ADDRESS,
        call -> call.reply(call.body().getInteger("a") + call.body().getInteger("b"))).completion()
        .compose(v -> vertx.eventBus().consumer(ProcessCpu.SERVER_ADDRESS, ask -> ask.reply(ProcessCpu.nanos())).completion());
    return raw
        .compose(v -> Mesh.join(vertx, meshOptions))
        .compose(mesh -> mesh.publish(SERVICE, Calculator.class, new CalculatorImpl(vertx, 0, 0.0)))
        .onSuccess(publication -> System.out.println(READY_LINE + ": replica " + publication.replica().address()
            + " of '" + SERVICE + "', raw consumer at " + RAW_ADDRESS));
  }
}
