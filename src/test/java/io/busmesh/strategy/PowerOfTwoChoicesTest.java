package io.busmesh.strategy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PowerOfTwoChoicesTest {

  @Test
  void p2cKeepsMaxOverMeanLoadBounded() {
    // 10 replicas, 100 calls in flight (mean 10), calls completing in random order.
    double p2c = new LoadSimulation(FakeCandidate.replicas(10), 100, 1)
        .run(new PowerOfTwoChoices(new SplittableRandom(1)), 200_000).worstMaxOverMean();
    double random = new LoadSimulation(FakeCandidate.replicas(10), 100, 1)
        .run(new RandomPick(new SplittableRandom(1)), 200_000).worstMaxOverMean();

    assertTrue(p2c <= 1.5, "with p2c the busiest replica reached " + p2c + " × the mean");
    assertTrue(random > 2.0, "random was expected to do worse, reached " + random + " × the mean");
  }

  @Test
  void drawsTwoDistinctReplicas() {
    // With two replicas both are always compared, so the idle one always wins.
    List<FakeCandidate> two = FakeCandidate.replicas(2);
    two.get(0).inFlight = 1;
    Strategy strategy = new PowerOfTwoChoices(new SplittableRandom(1));

    for (int i = 0; i < 1_000; i++) {
      assertSame(two.get(1), strategy.pick(two, null));
    }
  }

  @Test
  void reachesEveryReplica() {
    List<FakeCandidate> ten = FakeCandidate.replicas(10);
    LoadSimulation simulation = new LoadSimulation(ten, 50, 2).run(new PowerOfTwoChoices(new SplittableRandom(2)), 20_000);

    for (int i = 0; i < ten.size(); i++) {
      assertTrue(Math.abs(simulation.share(i) - 0.1) < 0.01, "share of " + ten.get(i) + ": " + simulation.share(i));
    }
  }

  @Test
  void aSingleReplicaIsPicked() {
    List<FakeCandidate> one = FakeCandidate.replicas(1);

    assertSame(one.get(0), new PowerOfTwoChoices(new SplittableRandom(1)).pick(one, null));
  }
}
