package io.busmesh.load;

/**
 * Peak-sensitive exponentially weighted moving average of latency, as in Finagle's and Linkerd's
 * "peak EWMA" balancers: a sample above the average replaces it at once (a replica that turns slow
 * is avoided immediately), a sample below is blended in with weight {@code 1 - e^(-Δt/τ)}, and the
 * value decays towards zero while no answer arrives, so an idle replica is tried again.
 */
public final class PeakEwma {

  private final double decayNanos;
  private double value;
  private long stampNanos;

  /** @param decayNanos τ, the time over which old samples lose weight (Finagle's default: 10 s) */
  public PeakEwma(long decayNanos) {
    if (decayNanos <= 0) {
      throw new IllegalArgumentException("EWMA decay time must be positive, got " + decayNanos);
    }
    this.decayNanos = decayNanos;
  }

  public void observe(long sampleNanos, long nowNanos) {
    double decayed = valueAt(nowNanos);
    if (sampleNanos > decayed) {
      value = sampleNanos;
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
