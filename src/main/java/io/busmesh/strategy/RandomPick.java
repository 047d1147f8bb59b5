package io.busmesh.strategy;


import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Uniform random choice: no coordination, and a spread that only evens out over many calls.
 * A warming replica drawn is kept with probability {@link Candidate#warmth() warmth} and otherwise
 * drawn again (rejection sampling, so its share is proportional to its warmth); after as many
 * draws as there are replicas the warmest one drawn is used, so a pick stays bounded.
 */
final class RandomPick implements Strategy {

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
    for (int draw = 0; draw < size; draw++) {
      C candidate = candidates.get(random.nextInt(size));
      if (Warmth.admits(candidate, random)) {
        return candidate;
      }
      if (warmest == null || candidate.warmth() > warmest.warmth()) {
        warmest = candidate;
      }
    }
    return warmest;
  }
}
