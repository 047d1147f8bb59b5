package io.busmesh.strategy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeastInFlightTest {

  private final List<FakeCandidate> replicas = FakeCandidate.replicas(4);

  @Test
  void picksTheReplicaWithTheFewestCallsInFlight() {
    setInFlight(5, 2, 7, 3);

    assertSame(replicas.get(1), new LeastInFlight(new SplittableRandom(1)).pick(replicas, null));
  }

  @Test
  void breaksTiesAtRandomSoThatCallersDoNotHerd() {
    setInFlight(3, 1, 4, 1);
    Strategy strategy = new LeastInFlight(new SplittableRandom(1));

    int[] picks = new int[4];
    for (int i = 0; i < 1_000; i++) {
      picks[replicas.indexOf(strategy.pick(replicas, null))]++;
    }

    assertEquals(0, picks[0] + picks[2], "only tied replicas are picked");
    assertTrue(picks[1] > 400 && picks[3] > 400, "both tied replicas are picked: " + picks[1] + " and " + picks[3]);
  }

  @Test
  void doesNotFloodANewEmptyReplicaWhileItWarms() {
    // Dubbo issue #14406: least-active sent every call to a fresh replica because it had none in flight.
    setInFlight(10, 10, 10, 0);
    replicas.get(3).warmth = 0.1;
    Strategy strategy = new LeastInFlight(new SplittableRandom(1));

    for (int i = 0; i < 20; i++) {
      ((FakeCandidate) strategy.pick(replicas, null)).inFlight++;
    }

    assertTrue(replicas.get(3).inFlight <= 2, "the warming replica took " + replicas.get(3).inFlight + " of 20 calls");
  }

  @Test
  void keepsInFlightCallsEvenlySpread() {
    List<FakeCandidate> ten = FakeCandidate.replicas(10);

    double worst = new LoadSimulation(ten, 100, 3).run(new LeastInFlight(new SplittableRandom(3)), 100_000).worstMaxOverMean();

    assertTrue(worst <= 1.2, "busiest replica reached " + worst + " × the mean");
  }

  private void setInFlight(double... counts) {
    for (int i = 0; i < counts.length; i++) {
      replicas.get(i).inFlight = counts[i];
    }
  }
}
