package io.busmesh.strategy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PeakEwmaCostTest {

  private static final double MS = 1_000_000;

  @Test
  void aReplicaTwentyTimesSlowerGetsASmallShare() {
    List<FakeCandidate> replicas = FakeCandidate.replicas(5);
    replicas.forEach(r -> r.latencyEwmaNanos = 2 * MS);
    replicas.get(2).latencyEwmaNanos = 40 * MS;

    LoadSimulation simulation = new LoadSimulation(replicas, 100, 5).run(new PeakEwmaCost(new SplittableRandom(5)), 50_000);

    assertTrue(simulation.share(2) < 0.03, "the slow replica got " + simulation.share(2) + " of the calls (fair: 0.2)");
  }

  @Test
  void aReplicaWithoutLatencyYetIsProbedButNotFlooded() {
    List<FakeCandidate> replicas = FakeCandidate.replicas(5);
    replicas.forEach(r -> {
      r.latencyEwmaNanos = 2 * MS;
      r.inFlight = 5;
    });
    FakeCandidate fresh = replicas.get(4);
    fresh.latencyEwmaNanos = 0;
    fresh.inFlight = 0;
    Strategy strategy = new PeakEwmaCost(new SplittableRandom(4));

    for (int i = 0; i < 40; i++) {
      ((FakeCandidate) strategy.pick(replicas, null)).inFlight++;
    }

    double busiestOther = replicas.subList(0, 4).stream().mapToDouble(r -> r.inFlight).max().orElseThrow();
    assertTrue(fresh.inFlight >= 5, "the fresh replica was probed: " + fresh.inFlight + " calls");
    assertTrue(fresh.inFlight <= busiestOther + 1, "the fresh replica has " + fresh.inFlight
        + " calls in flight, the busiest other " + busiestOther);
  }

  @Test
  void betweenReplicasWithoutLatencyTheLessLoadedWins() {
    List<FakeCandidate> two = FakeCandidate.replicas(2);
    two.get(0).inFlight = 3;
    Strategy strategy = new PeakEwmaCost(new SplittableRandom(1));

    for (int i = 0; i < 100; i++) {
      assertTrue(strategy.pick(two, null) == two.get(1));
    }
  }
}
