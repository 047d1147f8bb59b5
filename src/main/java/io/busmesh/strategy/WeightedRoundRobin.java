package io.busmesh.strategy;


import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Weighted round robin by earliest-deadline-first scheduling (Envoy's {@code EdfScheduler}; stride
 * scheduling, Waldspurger and Weihl 1995, is the same idea): each replica has a deadline on a virtual
 * clock, a pick takes the replica due first and moves its deadline on by {@code 1 / (weight × warmth)},
 * warmth read at that pick. Each replica's share of calls is proportional to {@code weight × warmth},
 * within about one pick over any stretch of calls, and a heavy replica's picks are spread evenly
 * between the others' instead of coming in bursts. O(log n) per pick ({@link DeadlineHeap}), where
 * nginx's smooth weighted round robin, used before, scans every replica at every pick.
 * <p>
 * A new replica list starts a fresh schedule, built in O(n). Replica i is first due at
 * {@code offset(i) / (weight × warmth)}, the offsets spread over [0, 1) by the golden ratio (a
 * low-discrepancy sequence) from a random phase: replicas of equal weight are then staggered instead
 * of all due at once (which would send them their picks in a row and the heavy replica's in a burst),
 * and caller nodes do not start in step.
 * <p>
 * Warmth is read live. Besides the replica picked, each pick re-reads the warmth of one warming
 * replica, in turn, and rescales the interval it is waiting out; so a warming replica's share follows
 * its warmth within one round of the warming replicas, not one interval set when it was colder.
 */
final class WeightedRoundRobin implements Strategy {

  private static final double GOLDEN_RATIO_FRACTION = 0.6180339887498949;
  /** Stands in for a weight × warmth of zero or less (outside {@link Candidate#warmth()}'s contract). */
  private static final double MIN_EFFECTIVE_WEIGHT = 1e-9;

  private final RandomGenerator random;
  private List<?> scheduledList;
  private DeadlineHeap schedule;
  private double now;
  /** Per replica: virtual time its current interval began, and the effective weight that set its deadline. */
  private double[] intervalStart;
  private double[] weightUsed;
  /** Replicas warming when the list came, warm ones dropped as they are found warm; re-read in turn. */
  private int[] warming;
  private int warmingCount;
  private int warmingCursor;

  WeightedRoundRobin() {
    this(new SplittableRandom());
  }

  /** @param random draws the phase of each new schedule */
  WeightedRoundRobin(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    if (candidates != scheduledList) {
      startSchedule(candidates);
    }
    if (warmingCount > 0) {
      retimeNextWarming(candidates);
    }
    int slot = schedule.first();
    C picked = candidates.get(slot);
    now = schedule.deadline(slot);
    double weight = effectiveWeight(picked.replica().weight(), picked.warmth());
    intervalStart[slot] = now;
    weightUsed[slot] = weight;
    schedule.reschedule(slot, now + 1.0 / weight);
    return picked;
  }

  private void startSchedule(List<? extends Candidate> candidates) {
    int size = candidates.size();
    double[] deadlines = new double[size];
    intervalStart = new double[size];
    weightUsed = new double[size];
    warming = new int[size];
    warmingCount = 0;
    warmingCursor = 0;
    double offset = random.nextDouble();
    for (int i = 0; i < size; i++) {
      Candidate candidate = candidates.get(i);
      double warmth = candidate.warmth();
      double weight = effectiveWeight(candidate.replica().weight(), warmth);
      deadlines[i] = offset / weight;
      offset += GOLDEN_RATIO_FRACTION;
      offset -= offset >= 1.0 ? 1.0 : 0.0;
      weightUsed[i] = weight;
      if (warmth < 1.0) {
        warming[warmingCount++] = i;
      }
    }
    schedule = new DeadlineHeap(deadlines);
    now = 0;
    scheduledList = candidates;
  }

  /**
   * Rescales the interval of the next warming replica, counted from its last pick, to its current
   * warmth: when its weight × warmth doubled, it is due half as long after its last pick as it was
   * (but never before now).
   */
  private void retimeNextWarming(List<? extends Candidate> candidates) {
    if (warmingCursor >= warmingCount) {
      warmingCursor = 0;
    }
    int slot = warming[warmingCursor];
    Candidate candidate = candidates.get(slot);
    double warmth = candidate.warmth();
    double weight = effectiveWeight(candidate.replica().weight(), warmth);
    if (warmth >= 1.0) {
      warming[warmingCursor] = warming[--warmingCount];
    } else {
      warmingCursor++;
    }
    if (weight != weightUsed[slot]) {
      double start = intervalStart[slot];
      double deadline = start + (schedule.deadline(slot) - start) * weightUsed[slot] / weight;
      weightUsed[slot] = weight;
      schedule.reschedule(slot, Math.max(deadline, now));
    }
  }

  private static double effectiveWeight(int replicaWeight, double warmth) {
    double weight = replicaWeight * warmth;
    return weight > MIN_EFFECTIVE_WEIGHT ? weight : MIN_EFFECTIVE_WEIGHT;
  }
}
