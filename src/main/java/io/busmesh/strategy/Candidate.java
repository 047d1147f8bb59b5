package io.busmesh.strategy;

import io.busmesh.Replica;

/**
 * What a strategy may know about one replica when it picks: figures kept in memory by this node's
 * balancer and refreshed off the path of the call. Reading any of them is cheap and never blocks.
 * Every time-dependent figure is computed from the balancer's injected clock.
 */
public interface Candidate {

  Replica replica();

  /**
   * Calls in flight to this replica across the cluster: this node's live count plus the counts
   * the other nodes last published (or the replica's own count, when it reported more, recently).
   */
  double inFlight();

  /**
   * Peak-sensitive moving average of this replica's successful-call latency, in nanoseconds,
   * decayed to now (Finagle/Linkerd "peak EWMA"); 0 until the first answer.
   */
  double latencyEwmaNanos();

  /**
   * Smooth moving average of this replica's successful-call latency, in nanoseconds, decayed to now:
   * the typical latency, which single spikes barely move; 0 until the first answer.
   */
  double latencyAverageNanos();

  /** Moving average of the share of calls to this replica that failed, between 0 and 1. */
  double errorRate();

  /**
   * Slow-start factor in (0, 1]: below 1 while a newly registered replica ramps up, so that it
   * receives a growing share of traffic instead of a burst; exactly 1 once warm.
   */
  double warmth();
}
