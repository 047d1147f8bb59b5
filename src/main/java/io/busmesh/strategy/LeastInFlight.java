package io.busmesh.strategy;


import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Least outstanding requests (join-the-shortest-queue): the replica with the lowest
 * {@link Warmth#load load} {@code (inFlight + 1) / warmth}, found by a full O(n) scan. Ties are
 * broken uniformly at random (reservoir sampling over the tied replicas), because always taking the
 * first would send every idle caller node to the same replica. Dividing by warmth keeps a new, empty
 * replica from drawing every call until it is as busy as the others (Dubbo issue #14406).
 */
final class LeastInFlight implements Strategy {

  private final RandomGenerator random;

  LeastInFlight() {
    this(new SplittableRandom());
  }

  /** @param random breaks ties; drawn from only when two or more replicas share the lowest load */
  LeastInFlight(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    C best = candidates.get(0);
    double lowest = Warmth.load(best);
    int tied = 1;
    for (int i = 1, size = candidates.size(); i < size; i++) {
      C candidate = candidates.get(i);
      double load = Warmth.load(candidate);
      if (load < lowest) {
        best = candidate;
        lowest = load;
        tied = 1;
      } else if (load == lowest && random.nextInt(++tied) == 0) {
        best = candidate; // the k-th tied replica replaces the kept one with probability 1/k
      }
    }
    return best;
  }
}
