package io.busmesh.strategy;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Peak EWMA (Finagle's {@code PeakEwma}, Linkerd 2's balancer): P2C over the cost
 * {@code latencyEwma × (inFlight + 1) / warmth}, the expected wait of one more call at a replica.
 * The EWMA is peak-sensitive (see {@link Candidate#latencyEwmaNanos()}), so a replica that slows
 * down loses traffic at once and wins it back only as its latency decays.
 * <p>
 * A replica with no latency measured yet is cheap but not free: it is costed at the other drawn
 * replica's latency, so it competes on load alone and is probed without being flooded (Finagle
 * instead charges a fixed penalty; Linkerd a configured default round-trip time).
 */
final class PeakEwmaCost extends TwoChoices {

  PeakEwmaCost() {
    this(new SplittableRandom());
  }

  PeakEwmaCost(RandomGenerator random) {
    super(random);
  }

  @Override
  boolean prefersSecond(Candidate a, Candidate b) {
    double latencyA = a.latencyEwmaNanos();
    double latencyB = b.latencyEwmaNanos();
    if (latencyA <= 0) {
      latencyA = latencyB > 0 ? latencyB : 1;
    }
    if (latencyB <= 0) {
      latencyB = latencyA;
    }
    return latencyB * Warmth.load(b) < latencyA * Warmth.load(a);
  }
}
