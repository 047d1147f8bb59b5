package io.busmesh.impl.load;

/**
 * The share of events that were failures over roughly the last τ (see {@link DecayingAverage}), so
 * that many calls in a short time count as much as few calls over the same time. It fades while no
 * event arrives, with a time constant of at most {@link #IDLE_DECAY_NANOS one second}: a replica
 * that failed and was then avoided (a hung process, now resumed) is tried again within seconds,
 * instead of keeping its old error rate, and so its exclusion, for tens of seconds. Safe to update
 * and read from any thread.
 */
final class DecayingRate {

  /** Keeps each event counting even when many arrive within one clock tick. */
  private static final double MIN_WEIGHT = 1e-3;
  /**
   * Successes the rate starts as if it had seen: a replica's first answer, a business error such as
   * "out of stock", must not price it out (and so keep it from the calls that would correct the rate).
   */
  static final int PRIOR_SUCCESSES = 5;
  /** The longest time constant of the rate's decay while no call ends. */
  static final long IDLE_DECAY_NANOS = 1_000_000_000L;

  private final DecayingAverage average;

  public DecayingRate(long decayNanos) {
    // An outcome after an idle spell weighs as usual: at a few calls a second, one business error must
    // not outweigh the successes before it.
    this.average = new DecayingAverage(decayNanos, Math.min(decayNanos, IDLE_DECAY_NANOS), MIN_WEIGHT, false,
        PRIOR_SUCCESSES, false);
  }

  public void record(boolean failure, long nowNanos) {
    average.observe(failure ? 1.0 : 0.0, nowNanos);
  }

  /** Between 0 (no failure lately) and 1 (only failures); 0 before the first event. */
  public double rateAt(long nowNanos) {
    return average.valueAt(nowNanos);
  }
}
