package io.busmesh.impl.fault;

import io.busmesh.impl.load.Clock;
import io.busmesh.impl.metrics.CallWindow;

/**
 * When to send a backup request ("The Tail at Scale", Dean and Barroso, CACM 2013): once the first
 * attempt has been out longer than a high percentile of the service's recent latency. The
 * percentile is recomputed at most every {@link #REFRESH_NANOS} once known, and no backup is sent
 * until the window holds enough calls to know it.
 */
public final class HedgeTrigger {

  static final long REFRESH_NANOS = 100_000_000L;
  static final long MIN_CALLS = 100;

  private final Clock clock;
  private final double percentile;
  private final CallWindow window;
  // Recomputed by whichever caller finds it due; two that race compute the same figure.
  private volatile long delayNanos = -1;
  private volatile long computedAtNanos;

  /** @param percentile e.g. 95: a backup for the slowest 5% of calls */
  public HedgeTrigger(Clock clock, double percentile, long windowMillis) {
    if (!(percentile > 0 && percentile < 100)) {
      throw new IllegalArgumentException("hedging percentile must be between 0 and 100, got " + percentile);
    }
    this.clock = clock;
    this.percentile = percentile / 100;
    this.window = new CallWindow(clock, windowMillis, this.percentile);
    this.computedAtNanos = clock.nanoTime() - REFRESH_NANOS; // due at the first question
  }

  /** Records the latency of a call that succeeded. */
  public void record(long latencyNanos) {
    window.record(latencyNanos, false, false);
  }

  /** How long to wait before a backup request, in nanoseconds; negative: do not hedge (not enough data yet). */
  public long delayNanos() {
    long now = clock.nanoTime();
    long delay = delayNanos;
    // Without enough data yet, ask again at once rather than answer "no" for a whole refresh period.
    if (delay < 0 || now - computedAtNanos >= REFRESH_NANOS) {
      CallWindow.Figures figures = window.figures();
      delay = figures.calls() < MIN_CALLS ? -1 : Math.round(figures.percentileMicros(percentile) * 1_000);
      delayNanos = delay;
      computedAtNanos = now;
    }
    return delay;
  }
}
