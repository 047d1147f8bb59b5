package io.busmesh.examples.calculator;

import io.busmesh.ConfigReader;
import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.Publication;
import io.busmesh.PublishOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Publishes one calculator replica. Conf (every key optional):
 * {@code {"service": "calculator", "delayMs": 0, "exponentialDelay": false, "failRate": 0.0,
 * "publish": {"weight": 1, "zone": ""}, "mesh": {...}}}; with {@code exponentialDelay} each call's
 * service time is drawn from an exponential distribution of mean {@code delayMs}.
 * Undeploying it (or SIGTERM to its process) drains the replica before it goes.
 */
public class CalculatorVerticle extends VerticleBase {

  private Publication publication;

  @Override
  public Future<?> start() {
    String service;
    long delayMs;
    double failRate;
    boolean exponential;
    PublishOptions publishOptions;
    MeshOptions meshOptions;
    try {
      ConfigReader conf = new ConfigReader("conf of CalculatorVerticle", config(),
          "service", "delayMs", "exponentialDelay", "failRate", "publish", "mesh");
      service = conf.string("service", "calculator");
      delayMs = conf.nonNegativeLong("delayMs", 0);
      exponential = conf.bool("exponentialDelay", false);
      failRate = conf.fraction("failRate", 0.0);
      publishOptions = new PublishOptions(conf.object("publish", null));
      meshOptions = new MeshOptions(conf.object("mesh", null));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return Mesh.join(vertx, meshOptions)
        .compose(mesh -> mesh.publish(service, Calculator.class, new CalculatorImpl(vertx, delayMs, failRate, exponential), publishOptions))
        .onSuccess(p -> {
          publication = p;
          System.out.println("busmesh: replica " + p.replica().address() + " of '" + service + "' is serving");
        });
  }

  @Override
  public Future<?> stop() {
    return publication == null ? Future.succeededFuture() : publication.close();
  }
}
