package io.busmesh.strategy;


import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Cycles through the replicas; a change of the replica list only shifts where the cycle resumes.
 * A warming replica takes its turn only with probability {@link Candidate#warmth() warmth}; when it
 * declines, the turn passes to the next one. After one full lap without a taker the warmest replica
 * seen is used, so a pick is bounded even when every replica is cold.
 */
final class RoundRobin implements Strategy {

  private final RandomGenerator random;
  private int next;

  RoundRobin() {
    this(new SplittableRandom());
  }

  /** @param random decides whether a warming replica takes its turn; only drawn from while one is warming */
  RoundRobin(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    int size = candidates.size();
    int start = Math.floorMod(next, size);
    C warmest = null;
    for (int step = 0; step < size; step++) {
      int index = start + step < size ? start + step : start + step - size;
      C candidate = candidates.get(index);
      if (Warmth.admits(candidate, random)) {
        next = index + 1;
        return candidate;
      }
      if (warmest == null || candidate.warmth() > warmest.warmth()) {
        warmest = candidate;
      }
    }
    next = start + 1;
    return warmest;
  }
}
