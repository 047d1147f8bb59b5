package io.busmesh.impl.fault;

import io.busmesh.impl.load.Clock;

/**
 * Caps retries at a share of calls plus a small floor, over a sliding window (Finagle's
 * {@code RetryBudget}, Envoy's and Linkerd's retry budgets): in a total outage every call fails, and
 * without a cap each would be tried on every replica, multiplying the load on a cluster that is
 * already down. Calls and retries are counted in one-second buckets over {@code windowSeconds}.
 * <p>
 * Calls of one node start on all its event loops, so the budget is shared by them without a lock;
 * threads that take the last retry at the same instant may overshoot it by one each.
 */
public final class RetryBudget {

  private final Clock clock;
  private final double ratio;
  private final double floor;
  private final SecondsWindow calls;
  private final SecondsWindow retries;
  private volatile long othersCalls;
  private volatile long othersRetries;

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
    this.floor = minPerSecond * windowSeconds;
    this.calls = new SecondsWindow(windowSeconds);
    this.retries = new SecondsWindow(windowSeconds);
  }

  /** Counts a call (its first attempt). */
  public void called() {
    called(clock.nanoTime());
  }

  /** Counts a call made at {@code nowNanos}, read from the budget's clock by the caller. */
  public void called(long nowNanos) {
    calls.add(nowNanos / 1_000_000_000L);
  }

  /** Takes one retry from the budget if it has one; false means: do not retry. */
  public boolean tryRetry() {
    long now = second();
    double allowed = ratio * (calls.sum(now) + othersCalls) + floor;
    if (retries.sum(now) + othersRetries + 1 > allowed) {
      return false;
    }
    retries.add(now);
    return true;
  }

  /** This node's calls and retries in the window, for sharing with the other callers. */
  public long windowCalls() {
    return calls.sum(second());
  }

  public long windowRetries() {
    return retries.sum(second());
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

  private long second() {
    return clock.nanoTime() / 1_000_000_000L;
  }
}
