package io.busmesh.strategy;


import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Cycles through the replicas; a change of the replica list only shifts where the cycle resumes.
 * A warming replica takes its turn only with probability {@link Candidate#warmth() warmth}; when it
 * declines, the turn passes to the next one. After {@value #MAX_PROBES} replicas in a row decline
 * (or a full lap, when there are fewer), the warmest of them takes the turn, so a pick reads at most
 * {@value #MAX_PROBES} replicas however many are warming; a warm replica never declines.
 */
final class RoundRobin implements Strategy {

  /**
   * Replicas offered the turn in one pick, at most. With every replica at slow start's lowest warmth
   * (0.1, a fleet that starts at once) all 16 decline one pick in 5 (0.9^16); the turn then goes to the
   * warmest of them, which among equally cold replicas is the first, so the cycle goes on in order.
   */
  static final int MAX_PROBES = 16;

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
    int warmest = -1;
    double warmestWarmth = 0;
    for (int step = 0, probes = Math.min(size, MAX_PROBES); step < probes; step++) {
      int index = start + step < size ? start + step : start + step - size;
      C candidate = candidates.get(index);
      if (Warmth.admits(candidate, random)) {
        next = index + 1;
        return candidate;
      }
      double warmth = candidate.warmth();
      if (warmest < 0 || warmth > warmestWarmth) {
        warmest = index;
        warmestWarmth = warmth;
      }
    }
    next = warmest + 1;
    return candidates.get(warmest);
  }
}
