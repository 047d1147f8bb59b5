package io.busmesh.bench;

import io.busmesh.examples.calculator.CalculatorImpl;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.ThreadLocalRandom;

/** A calculator whose calls take {@code delayMs}, except a share {@code stragglerRate} that take {@code factor} times longer. */
final class StragglingCalculator extends CalculatorImpl {

  private final Vertx vertx;
  private final long delayMs;
  private final double stragglerRate;
  private final long factor;

  StragglingCalculator(Vertx vertx, long delayMs, double stragglerRate, long factor) {
    super(vertx, 0, 0.0);
    this.vertx = vertx;
    this.delayMs = delayMs;
    this.stragglerRate = stragglerRate;
    this.factor = factor;
  }

  @Override
  public Future<Integer> add(int a, int b) {
    long delay = ThreadLocalRandom.current().nextDouble() < stragglerRate ? delayMs * factor : delayMs;
    Promise<Integer> promise = Promise.promise();
    vertx.setTimer(delay, id -> promise.complete(a + b));
    return promise.future();
  }
}
