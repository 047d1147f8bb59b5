package io.busmesh.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * Closed-loop load on one {@link CallPath}: keeps {@code concurrency} calls in flight, each answer
 * sending the next, until {@code calls} were sent or the time bound passed, and records the latency
 * of every correct answer. It must run on a Vert.x context: answers arrive on it one at a time, so
 * the counters and histogram need no locking.
 */
final class LoadRunner {

  /** Highest latency the histogram tracks; slower answers are recorded as this. */
  static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final CallPath path;
  private final int concurrency;
  private final int calls;
  private final long deadlineNanos;
  private final Histogram latencyNanos = new Histogram(MAX_TRACKED_NANOS, 3);
  private final Promise<RunResult> done = Promise.promise();
  private final long startNanos = System.nanoTime();
  private int issued;
  private int answered;
  private int failed;
  private String firstError;

  private LoadRunner(CallPath path, int concurrency, int calls, long maxNanos) {
    this.path = path;
    this.concurrency = concurrency;
    this.calls = calls;
    this.deadlineNanos = startNanos + maxNanos;
  }

  /** Runs at most {@code calls} calls, for at most {@code maxNanos} of sending, then waits for the answers. */
  static Future<RunResult> run(CallPath path, int concurrency, int calls, long maxNanos) {
    return new LoadRunner(path, concurrency, calls, maxNanos).start();
  }

  private Future<RunResult> start() {
    while (issued < concurrency && mayIssue()) {
      issue();
    }
    if (issued == 0) {
      finish();
    }
    return done.future();
  }

  /** A failure stops the run: the figures would be meaningless, and the setup needs fixing first. */
  private boolean mayIssue() {
    return failed == 0 && issued < calls && System.nanoTime() < deadlineNanos;
  }

  private void issue() {
    int i = issued++;
    long sentNanos = System.nanoTime();
    path.call().apply(i).onComplete(answer -> answered(i, sentNanos, answer));
  }

  private void answered(int i, long sentNanos, AsyncResult<Integer> answer) {
    long latency = System.nanoTime() - sentNanos;
    answered++;
    if (answer.succeeded() && Integer.valueOf(i + 1).equals(answer.result())) {
      latencyNanos.recordValue(Math.min(latency, MAX_TRACKED_NANOS));
    } else if (failed++ == 0) {
      firstError = answer.succeeded() ? "wrong answer " + answer.result() + " to " + i + " + 1" : String.valueOf(answer.cause());
    }
    if (mayIssue()) {
      issue();
    } else if (answered == issued) {
      finish();
    }
  }

  private void finish() {
    done.complete(new RunResult(path.name(), concurrency, answered - failed, failed, firstError,
        System.nanoTime() - startNanos, latencyNanos));
  }
}
