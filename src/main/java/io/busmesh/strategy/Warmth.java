package io.busmesh.strategy;

import java.util.random.RandomGenerator;

/**
 * How a replica's slow-start {@link Candidate#warmth() warmth} enters a pick, in the two forms the
 * strategies need (the idea of Envoy's slow-start mode and Armeria's {@code WeightRampingUpStrategy}):
 * strategies that ignore load admit a warming replica only part of the time; strategies that compare
 * load see a warming replica as busier than it is, so it fills up to a fraction of its peers' load.
 */
final class Warmth {

  private Warmth() {
  }

  /** True with probability {@code warmth}: always for a warm replica, without drawing a random number. */
  static boolean admits(Candidate candidate, RandomGenerator random) {
    double warmth = candidate.warmth();
    return warmth >= 1.0 || random.nextDouble() < warmth;
  }

  /**
   * {@code (inFlight + 1) / warmth}. The {@code + 1} counts the call being placed, so that an idle
   * replica's load still depends on its warmth: an empty replica at warmth 0.1 weighs as much as a
   * warm one with 9 calls in flight, instead of drawing every call as an empty replica would.
   */
  static double load(Candidate candidate) {
    return (candidate.inFlight() + 1.0) / candidate.warmth();
  }
}
