package io.busmesh.test;

import io.busmesh.examples.calculator.Calculator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.serviceproxy.ServiceException;

import java.util.concurrent.atomic.AtomicLong;

/** A calculator whose service time a test changes while it runs, to make a replica slow and healthy again. */
public final class TunableCalculator implements Calculator {

  private final Vertx vertx;
  private final AtomicLong delayMs;
  private final AtomicLong addsStarted = new AtomicLong();

  public TunableCalculator(Vertx vertx, long delayMs) {
    this.vertx = vertx;
    this.delayMs = new AtomicLong(delayMs);
  }

  /** Calls of {@link #add} that reached this implementation. */
  public long addsStarted() {
    return addsStarted.get();
  }

  public void setDelayMs(long delayMs) {
    this.delayMs.set(delayMs);
  }

  @Override
  public Future<Integer> add(int a, int b) {
    addsStarted.incrementAndGet();
    long delay = delayMs.get();
    if (delay == 0) {
      return Future.succeededFuture(a + b);
    }
    Promise<Integer> promise = Promise.promise();
    vertx.setTimer(delay, id -> promise.complete(a + b));
    return promise.future();
  }

  @Override
  public Future<Integer> subtract(int a, int b) {
    return Future.succeededFuture(a - b);
  }

  @Override
  public Future<Integer> multiply(int a, int b) {
    return Future.succeededFuture(a * b);
  }

  @Override
  public Future<Integer> divide(int a, int b) {
    return b == 0 ? ServiceException.fail(DIVISION_BY_ZERO, "Division by zero") : Future.succeededFuture(a / b);
  }
}
