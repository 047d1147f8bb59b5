package io.busmesh.strategy;


import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Uniform random choice: no coordination, and a spread that only evens out over many calls.
 * A warming replica drawn is kept with probability {@link Candidate#warmth() warmth} and otherwise
 * drawn again (rejection sampling, so its share is proportional to its warmth); after
 * {@value #MAX_DRAWS} draws (or as many as there are replicas, when fewer) the warmest one drawn is
 * used, so a pick stays bounded however many replicas are warming.
 */
final class RandomPick implements Strategy {

  /**
   * Draws in one pick, at most. With every replica at slow start's lowest warmth (0.1, a fleet that
   * starts at once) all 16 are rejected one pick in 5 (0.9^16), and the warmest drawn is as good as any.
   */
  static final int MAX_DRAWS = 16;

  private final RandomGenerator random;

  RandomPick() {
    this(new SplittableRandom());
  }

  RandomPick(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    int size = candidates.size();
    C warmest = null;
    double warmestWarmth = 0;
    for (int draw = 0, draws = Math.min(size, MAX_DRAWS); draw < draws; draw++) {
      C candidate = candidates.get(random.nextInt(size));
      if (Warmth.admits(candidate, random)) {
        return candidate;
      }
      double warmth = candidate.warmth();
      if (warmest == null || warmth > warmestWarmth) {
        warmest = candidate;
        warmestWarmth = warmth;
      }
    }
    return warmest;
  }
}
