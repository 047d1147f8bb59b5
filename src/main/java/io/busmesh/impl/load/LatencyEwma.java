package io.busmesh.impl.load;

/**
 * An exponentially weighted moving average of latency with a time constant τ: a sample is blended
 * in with weight {@code 1 - e^(-Δt/τ)}, and the value decays towards zero while no answer arrives,
 * so an idle replica is tried again. The {@link #peak peak-sensitive} form (Finagle's and Linkerd's
 * "peak EWMA") also takes any sample above the average at once, so a replica that turns slow is
 * avoided immediately; the {@link #smooth smooth} form follows the typical latency and ignores
 * single spikes such as a GC pause or scheduler jitter.
 */
final class LatencyEwma {

  private final double decayNanos;
  private final boolean peakSensitive;
  private double value;
  private long stampNanos;

  private LatencyEwma(long decayNanos, boolean peakSensitive) {
    if (decayNanos <= 0) {
      throw new IllegalArgumentException("EWMA decay time must be positive, got " + decayNanos);
    }
    this.decayNanos = decayNanos;
    this.peakSensitive = peakSensitive;
  }

  /** @param decayNanos τ, the time over which old samples lose weight (Finagle's default: 10 s) */
  public static LatencyEwma peak(long decayNanos) {
    return new LatencyEwma(decayNanos, true);
  }

  public static LatencyEwma smooth(long decayNanos) {
    return new LatencyEwma(decayNanos, false);
  }

  public void observe(long sampleNanos, long nowNanos) {
    if (peakSensitive && sampleNanos > valueAt(nowNanos)) {
      value = sampleNanos;
    } else if (stampNanos == 0 && value == 0) {
      value = sampleNanos; // the first sample is the best estimate there is
    } else {
      double weight = Math.exp(-Math.max(0, nowNanos - stampNanos) / decayNanos);
      value = value * weight + sampleNanos * (1 - weight);
    }
    stampNanos = nowNanos;
  }

  /** The average decayed to {@code nowNanos}; 0 before the first sample. */
  public double valueAt(long nowNanos) {
    long idle = Math.max(0, nowNanos - stampNanos);
    return value * Math.exp(-idle / decayNanos);
  }
}
