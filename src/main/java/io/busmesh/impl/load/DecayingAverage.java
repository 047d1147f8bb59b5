package io.busmesh.impl.load;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An exponentially weighted moving average in continuous time, the core of {@link LatencyEwma} and
 * {@link DecayingRate}: a sample at Δt after the previous one is blended in with weight
 * {@code 1 - e^(-Δt/τ)}, and the value decays towards zero while no sample arrives.
 * <p>
 * Two refinements make it usable from the first call on a fresh replica:
 * <ul>
 *   <li>during the first {@value #WARM_UP_SAMPLES} samples each one weighs at least {@code 1/n}, so the
 *   average is at worst the plain mean of what was seen: one cold first call (connection set-up, a
 *   replica's JIT) counts as one sample in n instead of dominating for several τ (bias correction
 *   of a zero-started EWMA, as in Kingma and Ba's Adam);</li>
 *   <li>{@code minWeight} keeps each sample counting when many arrive within one clock tick.</li>
 * </ul>
 * Written from any event loop without locking or allocating: a writer that finds another one at work
 * skips its sample. An average of many samples loses nothing by missing one now and then, and no
 * thread ever waits. The fields are plain: the guard's release as a writer leaves publishes them, and
 * readers acquire the guard before reading, so they see at least the last completed update (one that
 * races a writer may see part of the next, which mistimes one sample). That spares every sample the
 * fences of three volatile writes.
 */
final class DecayingAverage {

  /** Samples averaged by count before the time constant takes over. */
  static final int WARM_UP_SAMPLES = 100;

  private final double decayNanos;
  private final double idleDecayNanos;
  private final double minWeight;
  private final boolean peakSensitive;
  private final boolean idleSampleWeighs;
  // Written under the guard only; read after acquiring it (see the class comment).
  private double value;
  private long stampNanos;
  /** Samples seen, counted up to {@value #WARM_UP_SAMPLES} + 1. */
  private int samples;
  private boolean empty;
  /**
   * 1 while a thread writes; its release publishes what the writer wrote. An AtomicInteger (Unsafe
   * intrinsics) rather than a VarHandle: an answer is
   * accounted for deep in the event loop's call tree, beyond the depth to which C2 inlines, where a
   * VarHandle access stays a chain of real calls through its guards (seen in profiles of the mesh).
   */
  private final AtomicInteger writing = new AtomicInteger();

  /**
   * @param decayNanos    τ, the time over which old samples lose weight
   * @param minWeight     the least weight of one sample, in [0, 1)
   * @param peakSensitive a sample above the current value replaces it at once (Finagle's peak EWMA)
   */
  DecayingAverage(long decayNanos, double minWeight, boolean peakSensitive) {
    this(decayNanos, decayNanos, minWeight, peakSensitive);
  }

  /** @param idleDecayNanos how fast the value read decays while no sample arrives, if not as fast as τ */
  DecayingAverage(long decayNanos, long idleDecayNanos, double minWeight, boolean peakSensitive) {
    this(decayNanos, idleDecayNanos, minWeight, peakSensitive, 0, false);
  }

  /**
   * @param priorSamples     samples of value 0 the average starts as if it had seen, so that the first
   *                         real ones do not decide it alone (a rate's first failure is not a 100% rate)
   * @param idleSampleWeighs a sample after an idle spell weighs at least {@code 1 - e^(-idle/τ idle)},
   *                         as much as the value read had decayed: the first answer of a replica that
   *                         was avoided for seconds restores its average or confirms it, instead of
   *                         counting as one sample among the many it had before it was avoided
   */
  DecayingAverage(long decayNanos, long idleDecayNanos, double minWeight, boolean peakSensitive, int priorSamples,
                  boolean idleSampleWeighs) {
    if (decayNanos <= 0 || idleDecayNanos <= 0) {
      throw new IllegalArgumentException("decay times must be positive, got " + decayNanos + " and " + idleDecayNanos);
    }
    this.decayNanos = decayNanos;
    this.idleDecayNanos = idleDecayNanos;
    this.minWeight = minWeight;
    this.peakSensitive = peakSensitive;
    this.samples = priorSamples;
    this.idleSampleWeighs = idleSampleWeighs;
    this.empty = true;
  }

  void observe(double sample, long nowNanos) {
    if (!writing.compareAndSet(0, 1)) {
      return; // another thread is writing: skip this sample rather than wait
    }
    try {
      int n = samples;
      if (n <= WARM_UP_SAMPLES) {
        samples = ++n;
      }
      if (peakSensitive && !empty && sample > valueAt(nowNanos)) {
        value = sample;
      } else {
        // Before the first sample there is no interval to weigh by: the count decides (1/n).
        long idle = empty ? 0 : Math.max(0, nowNanos - stampNanos);
        double weight = empty ? 0 : weightOf(idle / decayNanos);
        if (idleSampleWeighs) {
          weight = Math.max(weight, weightOf(idle / idleDecayNanos));
        }
        if (n <= WARM_UP_SAMPLES) {
          weight = Math.max(weight, 1.0 / n);
        }
        weight = Math.max(weight, minWeight);
        value += (sample - value) * weight;
      }
      stampNanos = nowNanos;
      empty = false;
    } finally {
      writing.setRelease(0);
    }
  }

  /** {@code 1 - e^(-x)}, without exp() for the tiny x of samples milliseconds apart against a τ of seconds. */
  private static double weightOf(double x) {
    return x < 1e-3 ? x - x * x / 2 : 1 - Math.exp(-x);
  }

  /** The average decayed to {@code nowNanos}; 0 before the first sample. */
  double valueAt(long nowNanos) {
    writing.get(); // acquire: what the last writer released
    return value * decayAt(nowNanos);
  }

  /** The average as the last sample left it, not decayed. */
  double lastValue() {
    writing.get();
    return value;
  }

  /** How much of the average is left at {@code nowNanos}, after idling since the last sample: e^(-idle/τ idle). */
  double decayAt(long nowNanos) {
    writing.get();
    long idle = nowNanos - stampNanos;
    return idle <= 0 ? 1 : 1 - weightOf(idle / idleDecayNanos);
  }

  boolean isEmpty() {
    writing.get();
    return empty;
  }
}
