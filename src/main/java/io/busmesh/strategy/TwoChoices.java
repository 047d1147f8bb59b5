package io.busmesh.strategy;


import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The power of two random choices (Mitzenmacher, "The Power of Two Choices in Randomized Load
 * Balancing", IEEE TPDS 2001): draw two distinct replicas uniformly and keep the better one. Against
 * stale or shared load figures it herds far less than taking the global best, yet keeps the maximum
 * load within O(log log n) of the mean. O(1) and allocation-free; subclasses only say which of two
 * replicas is better.
 */
abstract class TwoChoices implements Strategy {

  private final RandomGenerator random;

  TwoChoices(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public final <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    int size = candidates.size();
    if (size == 1) {
      return candidates.get(0);
    }
    int first = random.nextInt(size);
    int second = random.nextInt(size - 1);
    if (second >= first) {
      second++; // uniform over the other size - 1 replicas
    }
    C a = candidates.get(first);
    C b = candidates.get(second);
    return prefersSecond(a, b) ? b : a;
  }

  /** True when {@code b} should take the call rather than {@code a}; on a tie either is fine, both were drawn at random. */
  abstract boolean prefersSecond(Candidate a, Candidate b);
}
