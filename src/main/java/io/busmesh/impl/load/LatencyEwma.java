package io.busmesh.impl.load;

/**
 * An exponentially weighted moving average of latency with a time constant τ (see
 * {@link DecayingAverage}): it decays towards zero while no answer arrives, so an idle replica is
 * tried again. Two forms:
 * <ul>
 *   <li>{@link #peak peak-sensitive} (Finagle's and Linkerd's "peak EWMA"): a sample above the
 *   average replaces it at once, so a replica that turns slow is avoided immediately;</li>
 *   <li>{@link #smooth smooth}: the typical latency, averaged on a logarithmic scale (a geometric
 *   mean). Latencies are skewed, with tails of GC pauses, scheduler stalls and the slow first calls
 *   of a cold process orders of magnitude above the median; on a log scale one such sample in a
 *   hundred moves the average by a few percent rather than doubling it. Each sample also weighs at
 *   least {@value #SMOOTH_MIN_WEIGHT}, so that a busy replica's average covers its last hundred or so
 *   calls rather than τ: it forgets a cold start within a fraction of a second, not tens of seconds.
 *   While idle it decays with a time constant of at most {@link #SMOOTH_IDLE_DECAY_NANOS one second}:
 *   a replica avoided for being slow (perhaps only in its first, cold calls) is tried again within
 *   seconds, and its next answer either restores its average or confirms it.</li>
 * </ul>
 * Safe to update and read from any thread.
 */
final class LatencyEwma {

  /** The least weight of one sample in the smooth average. */
  static final double SMOOTH_MIN_WEIGHT = 0.01;
  /** The longest time constant of the smooth average's decay while no answer comes. */
  static final long SMOOTH_IDLE_DECAY_NANOS = 1_000_000_000L;

  private final DecayingAverage average;
  private final boolean logScale;

  private LatencyEwma(DecayingAverage average, boolean logScale) {
    this.average = average;
    this.logScale = logScale;
  }

  /** @param decayNanos τ, the time over which old samples lose weight (Finagle's default: 10 s) */
  public static LatencyEwma peak(long decayNanos) {
    return new LatencyEwma(new DecayingAverage(decayNanos, 0, true), false);
  }

  public static LatencyEwma smooth(long decayNanos) {
    return new LatencyEwma(new DecayingAverage(decayNanos, Math.min(decayNanos, SMOOTH_IDLE_DECAY_NANOS),
        SMOOTH_MIN_WEIGHT, false, 0, true), true);
  }

  public void observe(long sampleNanos, long nowNanos) {
    average.observe(logScale ? Math.log(Math.max(1, sampleNanos)) : sampleNanos, nowNanos);
  }

  /** The average decayed to {@code nowNanos}; 0 before the first sample. */
  public double valueAt(long nowNanos) {
    if (!logScale) {
      return average.valueAt(nowNanos);
    }
    return average.isEmpty() ? 0 : Math.exp(average.lastValue()) * average.decayAt(nowNanos);
  }
}
