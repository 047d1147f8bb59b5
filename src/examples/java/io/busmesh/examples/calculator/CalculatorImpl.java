package io.busmesh.examples.calculator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/** The calculator, with an optional artificial service time and share of failing calls for demos and benchmarks. */
public class CalculatorImpl implements Calculator {

  /** Failure code of a failure injected through {@code failRate}. */
  public static final int INJECTED_FAILURE = 503;

  private final Vertx vertx;
  private final long delayMs;
  private final double failRate;
  private final boolean exponential;

  public CalculatorImpl(Vertx vertx, long delayMs, double failRate) {
    this(vertx, delayMs, failRate, false);
  }

  /** @param exponential draw each call's service time from an exponential distribution of mean {@code delayMs} */
  public CalculatorImpl(Vertx vertx, long delayMs, double failRate, boolean exponential) {
    this.vertx = vertx;
    this.delayMs = delayMs;
    this.failRate = failRate;
    this.exponential = exponential;
  }

  @Override
  public Future<Integer> add(int a, int b) {
    return answer(() -> Future.succeededFuture(Math.addExact(a, b)));
  }

  @Override
  public Future<Integer> subtract(int a, int b) {
    return answer(() -> Future.succeededFuture(Math.subtractExact(a, b)));
  }

  @Override
  public Future<Integer> multiply(int a, int b) {
    return answer(() -> Future.succeededFuture(Math.multiplyExact(a, b)));
  }

  @Override
  public Future<Integer> divide(int a, int b) {
    return answer(() -> b == 0
        ? ServiceException.fail(DIVISION_BY_ZERO, "Division by zero: " + a + " / 0", new JsonObject().put("dividend", a))
        : Future.succeededFuture(a / b));
  }

  private Future<Integer> answer(Supplier<Future<Integer>> result) {
    if (failRate > 0 && ThreadLocalRandom.current().nextDouble() < failRate) {
      return ServiceException.fail(INJECTED_FAILURE, "Injected failure (failRate " + failRate + ")");
    }
    if (delayMs == 0) {
      return result.get();
    }
    long delay = exponential
        ? Math.max(1, Math.round(-delayMs * Math.log(1 - ThreadLocalRandom.current().nextDouble())))
        : delayMs;
    Promise<Integer> promise = Promise.promise();
    vertx.setTimer(delay, id -> result.get().onComplete(promise));
    return promise.future();
  }
}
