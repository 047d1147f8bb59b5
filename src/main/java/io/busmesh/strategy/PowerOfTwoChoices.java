package io.busmesh.strategy;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * P2C on load (Mitzenmacher, see {@link TwoChoices}): of two random replicas, the one with the lower
 * {@link Warmth#load load} {@code (inFlight + 1) / warmth}. The default strategy: O(1) at any
 * number of replicas, and it spreads in-flight calls nearly evenly without any coordination.
 */
final class PowerOfTwoChoices extends TwoChoices {

  PowerOfTwoChoices() {
    this(new SplittableRandom());
  }

  PowerOfTwoChoices(RandomGenerator random) {
    super(random);
  }

  @Override
  boolean prefersSecond(Candidate a, Candidate b) {
    return Warmth.load(b) < Warmth.load(a);
  }
}
