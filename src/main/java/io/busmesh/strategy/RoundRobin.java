package io.busmesh.strategy;

import io.vertx.core.eventbus.Message;

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
  public Candidate pick(List<? extends Candidate> candidates, Message<?> call) {
    int size = candidates.size();
    int start = Math.floorMod(next, size);
    Candidate warmest = null;
    for (int step = 0; step < size; step++) {
      int index = start + step < size ? start + step : start + step - size;
      Candidate candidate = candidates.get(index);
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
