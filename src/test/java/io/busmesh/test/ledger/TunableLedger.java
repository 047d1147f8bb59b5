package io.busmesh.test.ledger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ledger replica whose answers a test can delay. Every replica of a test records into the same
 * {@link Executions}, so the test sees how often each call really ran, wherever it ran. An append
 * takes effect when it arrives; only its answer waits.
 */
public final class TunableLedger implements Ledger {

  /** How many times each entry id was appended, on every replica sharing it. */
  public static final class Executions {
    private final Map<String, AtomicInteger> byId = new ConcurrentHashMap<>();

    public int of(String entryId) {
      AtomicInteger count = byId.get(entryId);
      return count == null ? 0 : count.get();
    }

    int record(String entryId) {
      return byId.computeIfAbsent(entryId, id -> new AtomicInteger()).incrementAndGet();
    }
  }

  private final Vertx vertx;
  private final Executions executions;
  private final AtomicLong delayMs;

  public TunableLedger(Vertx vertx, Executions executions, long delayMs) {
    this.vertx = vertx;
    this.executions = executions;
    this.delayMs = new AtomicLong(delayMs);
  }

  public void setDelayMs(long delayMs) {
    this.delayMs.set(delayMs);
  }

  @Override
  public Future<Integer> append(String entryId) {
    return answerLater(executions.record(entryId));
  }

  @Override
  public Future<Integer> count(String entryId) {
    return answerLater(executions.of(entryId));
  }

  private Future<Integer> answerLater(int value) {
    long delay = delayMs.get();
    if (delay == 0) {
      return Future.succeededFuture(value);
    }
    Promise<Integer> promise = Promise.promise();
    vertx.setTimer(delay, id -> promise.complete(value));
    return promise.future();
  }
}
