package io.busmesh.strategy;


import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Least outstanding requests (join-the-shortest-queue): the replica with the lowest
 * {@link Warmth#load load} {@code (inFlight + 1) / warmth}. Ties are broken uniformly at random
 * (reservoir sampling over the tied replicas), because always taking the first would send every idle
 * caller node to the same replica. Dividing by warmth keeps a new, empty replica from drawing every
 * call until it is as busy as the others (Dubbo issue #14406).
 * <p>
 * Up to {@value #SAMPLE_SIZE} replicas, every one is compared (exact JSQ). Beyond, the least loaded
 * of {@value #SAMPLE_SIZE} distinct replicas drawn at random is taken: the power of d choices
 * (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", IEEE TPDS 2001), so a pick
 * is O(1) in the number of replicas. On average the replica taken ranks 1/17 of the way from the
 * least loaded to the busiest ({@link PowerOfTwoChoices}' ranks 1/3), and in Mitzenmacher's
 * supermarket model the share of replicas with k or more calls falls as λ^((d^k − 1)/(d − 1)),
 * doubly exponentially in k, so an exact minimum over thousands would gain little.
 * <p>
 * Why 16 on both sides of the switch: a balancer's load figures are not free (each read of warmth,
 * and of a recent self-reported count, reads a clock), so a pick should read a small, fixed number
 * of them at any size, and 16 loads cost a fraction of a microsecond where a scan of 64 would cost
 * several times more; and with one bound the switch is seamless: 16 replicas are all compared, of
 * 17 a sample of 16 is, where a scan up to 64 then a sample of 16 would drop from 64 compared to 16
 * at once. The distinct draws are a partial Fisher–Yates shuffle of an index permutation kept per list.
 */
final class LeastInFlight implements Strategy {

  /** How many replicas a pick compares, at most; also the largest list compared in full. */
  static final int SAMPLE_SIZE = 16;

  private final RandomGenerator random;
  private List<?> shuffledList;
  private int[] order = new int[0];

  LeastInFlight() {
    this(new SplittableRandom());
  }

  /** @param random draws the sample and breaks ties */
  LeastInFlight(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    int size = candidates.size();
    boolean sampled = size > SAMPLE_SIZE;
    if (sampled && candidates != shuffledList) {
      order = identity(size);
      shuffledList = candidates;
    }
    C best = null;
    double lowest = Double.POSITIVE_INFINITY;
    int tied = 0;
    for (int i = 0, compared = sampled ? SAMPLE_SIZE : size; i < compared; i++) {
      C candidate = candidates.get(sampled ? draw(i, size) : i);
      double load = Warmth.load(candidate);
      if (best == null || load < lowest) {
        best = candidate;
        lowest = load;
        tied = 1;
      } else if (load == lowest && random.nextInt(++tied) == 0) {
        best = candidate; // the k-th tied replica replaces the kept one with probability 1/k
      }
    }
    return best;
  }

  /** The i-th of this pick's distinct draws: swaps a uniformly drawn index among the not yet drawn into place i. */
  private int draw(int i, int size) {
    int j = i + random.nextInt(size - i);
    int drawn = order[j];
    order[j] = order[i];
    order[i] = drawn;
    return drawn;
  }

  private static int[] identity(int size) {
    int[] identity = new int[size];
    for (int i = 0; i < size; i++) {
      identity[i] = i;
    }
    return identity;
  }
}
