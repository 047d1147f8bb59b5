package io.busmesh.strategy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A warming replica's share of calls grows with its warmth under every strategy that honours it.
 * Five replicas, the last one warming, 100 calls kept in flight: a warm replica's fair share is 0.2.
 */
class WarmthTest {

  @Test
  void roundRobinGivesAWarmingReplicaAShareThatGrowsWithItsWarmth() {
    // Declined turns pass on: the share is w / (4 + w), i.e. 0.024, 0.111, 0.2.
    assertRamps(() -> new RoundRobin(new SplittableRandom(1)), 0.024, 0.111, 0.2);
  }

  @Test
  void randomGivesAWarmingReplicaAShareThatGrowsWithItsWarmth() {
    assertRamps(() -> new RandomPick(new SplittableRandom(1)), 0.024, 0.111, 0.2);
  }

  @Test
  void p2cGivesAWarmingReplicaAShareThatGrowsWithItsWarmth() {
    // Loads level where (x + 1) / w equals the warm replicas' x + 1: about 0.016, 0.107, 0.2 of the calls.
    assertRamps(() -> new PowerOfTwoChoices(new SplittableRandom(1)), 0.016, 0.107, 0.2);
  }

  @Test
  void leastInFlightGivesAWarmingReplicaAShareThatGrowsWithItsWarmth() {
    assertRamps(() -> new LeastInFlight(new SplittableRandom(1)), 0.016, 0.107, 0.2);
  }

  @Test
  void weightedGivesAWarmingReplicaAShareThatGrowsWithItsWarmth() {
    assertRamps(WeightedRoundRobin::new, 0.024, 0.111, 0.2);
  }

  private static void assertRamps(Supplier<Strategy> strategy, double... expectedShares) {
    double[] warmths = {0.1, 0.5, 1.0};
    double previous = 0;
    for (int i = 0; i < warmths.length; i++) {
      List<FakeCandidate> replicas = FakeCandidate.replicas(5);
      replicas.get(4).warmth = warmths[i];
      double share = new LoadSimulation(replicas, 100, 7).run(strategy.get(), 50_000).share(4);
      String what = "share of the replica at warmth " + warmths[i] + ": " + share;
      assertTrue(Math.abs(share - expectedShares[i]) < 0.015, what + ", expected about " + expectedShares[i]);
      assertTrue(share > previous, what + ", not above its share at the lower warmth " + previous);
      previous = share;
    }
  }
}
