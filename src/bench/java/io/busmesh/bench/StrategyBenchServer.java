package io.busmesh.bench;

import io.busmesh.ConfigReader;
import io.busmesh.Mesh;
import io.busmesh.Publication;
import io.busmesh.PublishOptions;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.examples.calculator.CalculatorImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Server JVM of the strategy benchmark. Publishes three services, all timer-delayed so that the
 * replicas cost no CPU: {@code bench-healthy} (3 replicas of {@code delayMs}), {@code bench-mixed}
 * (2 of {@code delayMs}, one {@code slowFactor} times slower, marked {"slow": true}) and
 * {@code bench-shared} (3 replicas, exponential service time of mean {@code sharedDelayMs}),
 * {@code bench-straggler} (3 replicas of {@code delayMs} where 1% of calls take 50 times longer), plus
 * a {@link InFlightSampler} of the bench-shared replicas' own in-flight counts at {@code bench.sampler}.
 */
public class StrategyBenchServer extends VerticleBase {

  public static final String HEALTHY = "bench-healthy";
  public static final String MIXED = "bench-mixed";
  public static final String SHARED = "bench-shared";
  public static final String STRAGGLER = "bench-straggler";
  public static final String SAMPLER_ADDRESS = "bench.sampler";
  public static final String READY_LINE = "busmesh-bench: strategy server ready";

  @Override
  public Future<?> start() {
    long delayMs;
    long slowFactor;
    long sharedDelayMs;
    try {
      ConfigReader conf = new ConfigReader("conf of StrategyBenchServer", config(), "delayMs", "slowFactor", "sharedDelayMs");
      delayMs = conf.positiveLong("delayMs", 2);
      slowFactor = conf.positiveLong("slowFactor", 20);
      sharedDelayMs = conf.positiveLong("sharedDelayMs", 5);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return Mesh.join(vertx).compose(mesh -> {
      List<Future<Publication>> healthy = new ArrayList<>();
      List<Future<Publication>> shared = new ArrayList<>();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        healthy.add(publish(mesh, HEALTHY, delayMs, false, false));
        shared.add(publish(mesh, SHARED, sharedDelayMs, true, false));
      }
      all.addAll(healthy);
      all.addAll(shared);
      all.add(publish(mesh, MIXED, delayMs, false, false));
      all.add(publish(mesh, MIXED, delayMs, false, false));
      all.add(publish(mesh, MIXED, delayMs * slowFactor, false, true));
      for (int i = 0; i < 3; i++) {
        all.add(mesh.publish(STRAGGLER, Calculator.class, new StragglingCalculator(vertx, delayMs, 0.01, 50)));
      }
      return Future.all(all).compose(v -> {
        List<Publication> sampled = shared.stream().map(Future::result).toList();
        return vertx.eventBus().consumer(SAMPLER_ADDRESS, new InFlightSampler(vertx, sampled)).completion();
      });
    }).onSuccess(v -> System.out.println(READY_LINE));
  }

  private Future<Publication> publish(Mesh mesh, String service, long delayMs, boolean exponential, boolean slow) {
    return mesh.publish(service, Calculator.class, new CalculatorImpl(vertx, delayMs, 0.0, exponential),
        new PublishOptions().setMetadata(new JsonObject().put("slow", slow)));
  }
}
