package io.busmesh.impl.log;

import io.busmesh.impl.load.Clock;
import io.vertx.core.internal.logging.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A warning that input from outside can trigger at any rate: the first occurrence is logged, then
 * at most one line per period, saying how many were left out, so a flood of bad messages costs a
 * few lines. Counts every occurrence for metrics. Thread-safe.
 */
public final class RateLimitedLog {

  private final Logger log;
  private final Clock clock;
  private final long periodNanos;
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private final AtomicLong nextAllowedNanos;

  public RateLimitedLog(Logger log, Clock clock, long periodMs) {
    this.log = log;
    this.clock = clock;
    this.periodNanos = periodMs * 1_000_000;
    this.nextAllowedNanos = new AtomicLong(clock.nanoTime());
  }

  /** Logs {@code line} as a warning unless a line went out less than a period ago; true if it was logged. */
  public boolean warn(String line) {
    total.incrementAndGet();
    long now = clock.nanoTime();
    long next = nextAllowedNanos.get();
    if (now - next < 0 || !nextAllowedNanos.compareAndSet(next, now + periodNanos)) {
      suppressed.incrementAndGet();
      return false;
    }
    long left = suppressed.getAndSet(0);
    log.warn(left == 0 ? line : line + " (" + left + " similar message(s) not logged in the last "
        + periodNanos / 1_000_000_000.0 + " s)");
    return true;
  }

  /** Occurrences so far, logged or not. */
  public long total() {
    return total.get();
  }
}
