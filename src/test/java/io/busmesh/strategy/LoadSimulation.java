package io.busmesh.strategy;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A closed loop of calls against fake replicas, without clocks: each step places one call with the
 * strategy under test (raising the chosen replica's in-flight count); once {@code concurrency} calls
 * are out, each step also completes one outstanding call drawn at random, so call durations vary.
 * Counts picks per replica and the worst ratio of the busiest replica's in-flight count to the mean.
 */
final class LoadSimulation {

  private final List<FakeCandidate> replicas;
  private final Map<Candidate, Integer> indexOf = new IdentityHashMap<>();
  private final SplittableRandom random;
  private final int concurrency;
  private final int[] outstanding;
  private int outstandingCount;
  private final long[] picks;
  private long totalPicks;
  private double worstMaxOverMean;

  LoadSimulation(List<FakeCandidate> replicas, int concurrency, long seed) {
    this.replicas = replicas;
    this.concurrency = concurrency;
    this.random = new SplittableRandom(seed);
    this.outstanding = new int[concurrency + 1];
    this.picks = new long[replicas.size()];
    for (int i = 0; i < replicas.size(); i++) {
      indexOf.put(replicas.get(i), i);
    }
  }

  /** Places {@code calls} calls; picks are counted only after the loop is full, as are the ratios. */
  LoadSimulation run(Strategy strategy, int calls) {
    for (int call = 0; call < calls; call++) {
      int chosen = indexOf.get(strategy.pick(replicas, null));
      replicas.get(chosen).inFlight++;
      outstanding[outstandingCount++] = chosen;
      if (outstandingCount > concurrency) {
        int done = random.nextInt(outstandingCount);
        replicas.get(outstanding[done]).inFlight--;
        outstanding[done] = outstanding[--outstandingCount];
        picks[chosen]++;
        totalPicks++;
        worstMaxOverMean = Math.max(worstMaxOverMean, maxInFlight() / ((double) concurrency / replicas.size()));
      }
    }
    return this;
  }

  /** Share of the counted picks that went to replica {@code index}. */
  double share(int index) {
    return (double) picks[index] / totalPicks;
  }

  double worstMaxOverMean() {
    return worstMaxOverMean;
  }

  private double maxInFlight() {
    double max = 0;
    for (FakeCandidate replica : replicas) {
      max = Math.max(max, replica.inFlight);
    }
    return max;
  }
}
