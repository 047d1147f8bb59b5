package io.busmesh.impl.fault;

import io.busmesh.impl.load.Clock;

/**
 * Caps retries at a share of calls plus a small floor, over a sliding window (Finagle's
 * {@code RetryBudget}, Envoy's and Linkerd's retry budgets): in a total outage every call fails, and
 * without a cap each would be tried on every replica, multiplying the load on a cluster that is
 * already down. Calls and retries are counted in one-second buckets over {@code windowSeconds}.
 */
public final class RetryBudget {

  private final Clock clock;
  private final double ratio;
  private final double minPerSecond;
  private final long[] calls;
  private final long[] retries;
  private long currentSecond;
  private long othersCalls;
  private long othersRetries;

  /**
   * @param ratio        retries allowed per call (0.2: one retry per five calls)
   * @param minPerSecond retries always allowed per second, so that a quiet service can still retry
   */
  public RetryBudget(Clock clock, double ratio, double minPerSecond, int windowSeconds) {
    if (ratio < 0 || minPerSecond < 0 || windowSeconds < 1) {
      throw new IllegalArgumentException("retry budget needs ratio ≥ 0, minPerSecond ≥ 0, window ≥ 1 s");
    }
    this.clock = clock;
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.calls = new long[windowSeconds];
    this.retries = new long[windowSeconds];
    this.currentSecond = second();
  }

  /** Counts a call (its first attempt). */
  public void called() {
    calls[bucket()]++;
  }

  /** Takes one retry from the budget if it has one; false means: do not retry. */
  public boolean tryRetry() {
    int bucket = bucket();
    double allowed = ratio * (sum(calls) + othersCalls) + minPerSecond * calls.length;
    if (sum(retries) + othersRetries + 1 > allowed) {
      return false;
    }
    retries[bucket]++;
    return true;
  }

  /** This node's calls and retries in the window, for sharing with the other callers. */
  public long windowCalls() {
    bucket();
    return sum(calls);
  }

  public long windowRetries() {
    bucket();
    return sum(retries);
  }

  /** Calls in the window across the cluster: this node's and the other callers' last shared counts. */
  public long clusterCalls() {
    return windowCalls() + othersCalls;
  }

  public long clusterRetries() {
    return windowRetries() + othersRetries;
  }

  /** The other nodes' calls and retries in their windows, so the budget holds for the service cluster-wide. */
  public void setOthers(long calls, long retries) {
    this.othersCalls = calls;
    this.othersRetries = retries;
  }

  private int bucket() {
    long now = second();
    long elapsed = now - currentSecond;
    if (elapsed > 0) {
      for (long s = 1; s <= Math.min(elapsed, calls.length); s++) {
        int cleared = (int) Math.floorMod(currentSecond + s, (long) calls.length);
        calls[cleared] = 0;
        retries[cleared] = 0;
      }
      currentSecond = now;
    }
    return (int) Math.floorMod(currentSecond, (long) calls.length);
  }

  private long second() {
    return clock.nanoTime() / 1_000_000_000L;
  }

  private static long sum(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }
}
