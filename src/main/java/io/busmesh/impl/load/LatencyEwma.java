package io.busmesh.impl.load;

/**
 * An exponentially weighted moving average of latency with a time constant τ (see
 * {@link DecayingAverage}): it decays towards zero while no answer arrives, so an idle replica is
 * tried again. The {@link #peak peak-sensitive} form (Finagle's and Linkerd's "peak EWMA") also takes
 * any sample above the average at once, so a replica that turns slow is avoided immediately; the
 * {@link #smooth smooth} form follows the typical latency and ignores single spikes such as a GC
 * pause or scheduler jitter. Safe to update and read from any thread.
 */
final class LatencyEwma {

  private final DecayingAverage average;

  private LatencyEwma(long decayNanos, boolean peakSensitive) {
    this.average = new DecayingAverage(decayNanos, 0, peakSensitive);
  }

  /** @param decayNanos τ, the time over which old samples lose weight (Finagle's default: 10 s) */
  public static LatencyEwma peak(long decayNanos) {
    return new LatencyEwma(decayNanos, true);
  }

  public static LatencyEwma smooth(long decayNanos) {
    return new LatencyEwma(decayNanos, false);
  }

  public void observe(long sampleNanos, long nowNanos) {
    average.observe(sampleNanos, nowNanos);
  }

  /** The average decayed to {@code nowNanos}; 0 before the first sample. */
  public double valueAt(long nowNanos) {
    return average.valueAt(nowNanos);
  }
}
