package io.busmesh.strategy;

import io.busmesh.Replica;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replicas for the JMH benchmarks: warm, of weight 1 to 3, with varied in-flight counts, latencies
 * and error rates that stay fixed, so that a benchmark measures the strategy and not the figures.
 */
final class BenchReplicas {

  private BenchReplicas() {
  }

  /** {@code count} replicas sorted by address, as the balancer passes them; the same for the same seed. */
  static List<Candidate> of(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Candidate> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(new FixedCandidate(String.format("busmesh.r.bench.node%05d.1", i), 1 + random.nextInt(3),
          random.nextInt(20), 1e6 + random.nextDouble(4e6), random.nextDouble(0.05)));
    }
    return List.copyOf(list);
  }

  private record FixedCandidate(Replica replica, double inFlight, double latencyEwmaNanos, double errorRate)
      implements Candidate {

    FixedCandidate(String address, int weight, double inFlight, double latencyEwmaNanos, double errorRate) {
      this(new Replica("bench", address, "node", weight, "", 0, null), inFlight, latencyEwmaNanos, errorRate);
    }

    @Override
    public double latencyAverageNanos() {
      return latencyEwmaNanos;
    }

    @Override
    public double warmth() {
      return 1.0;
    }
  }
}
