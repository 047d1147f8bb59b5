package io.busmesh.impl.load;

/**
 * The share of events that were failures over roughly the last τ: an exponentially weighted
 * average with a per-event weight of {@code 1 - e^(-Δt/τ)}, so that many calls in a short time
 * count as much as few calls over the same time.
 */
final class DecayingRate {

  private final double decayNanos;
  private double rate;
  private long stampNanos;
  private boolean started;

  public DecayingRate(long decayNanos) {
    if (decayNanos <= 0) {
      throw new IllegalArgumentException("rate decay time must be positive, got " + decayNanos);
    }
    this.decayNanos = decayNanos;
  }

  public void record(boolean failure, long nowNanos) {
    double sample = failure ? 1.0 : 0.0;
    if (!started) {
      started = true;
      rate = sample;
    } else {
      double alpha = 1 - Math.exp(-Math.max(0, nowNanos - stampNanos) / decayNanos);
      // A floor keeps each event counting even when many arrive within one clock tick.
      alpha = Math.max(alpha, 1e-3);
      rate = rate * (1 - alpha) + sample * alpha;
    }
    stampNanos = nowNanos;
  }

  /** Between 0 (no failure lately) and 1 (only failures); 0 before the first event. */
  public double rate() {
    return rate;
  }
}
