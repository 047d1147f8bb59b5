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

  @Test
  void comparesEveryReplicaUpToSixteenAndSixteenBeyond() {
    Strategy strategy = new LeastInFlight(new SplittableRandom(1));

    assertEquals(16, new TouchedCandidates(FakeCandidate.replicas(16)).touchedByOnePick(strategy));
    TouchedCandidates many = new TouchedCandidates(FakeCandidate.replicas(10_000));
    for (int i = 0; i < 100; i++) {
      assertEquals(LeastInFlight.SAMPLE_SIZE, many.touchedByOnePick(strategy), "sixteen distinct replicas per pick");
    }
  }

  @Test
  void aSampledPickLandsAmongTheLeastLoadedReplicas() {
    List<FakeCandidate> many = FakeCandidate.replicas(10_000);
    for (int i = 0; i < many.size(); i++) {
      many.get(i).inFlight = (i * 7_919) % 10_000; // loads 0..9999, shuffled over the list
    }
    Strategy strategy = new LeastInFlight(new SplittableRandom(1));

    double sum = 0;
    double worst = 0;
    for (int i = 0; i < 10_000; i++) {
      double load = strategy.pick(many, null).inFlight();
      sum += load;
      worst = Math.max(worst, load);
    }

    // The least of 16 uniform draws ranks 1/17 of the way up on average (588 here), and is above
    // the median with probability 2^-16.
    assertEquals(588, sum / 10_000, 30, "mean load of the replicas picked");
    assertTrue(worst < 5_000, "a replica with " + worst + " calls in flight was picked");
  }

  @Test
  void keepsInFlightCallsEvenlySpreadOverAThousandReplicas() {
    List<FakeCandidate> thousand = FakeCandidate.replicas(1_000);

    double sampled = new LoadSimulation(thousand, 10_000, 3).run(new LeastInFlight(new SplittableRandom(3)), 100_000)
        .worstMaxOverMean();

    // 10 calls per replica on average; in this loop random placement lets the busiest reach 2.7 × the mean, p2c 1.4.
    assertTrue(sampled <= 1.25, "busiest replica reached " + sampled + " × the mean");
  }

  @Test
  void idleReplicasShareCallsEvenlyWhenSampled() {
    List<FakeCandidate> thousand = FakeCandidate.replicas(1_000);
    Strategy strategy = new LeastInFlight(new SplittableRandom(1));

    int[] picks = new int[thousand.size()];
    for (int i = 0; i < 100_000; i++) {
      picks[thousand.indexOf(strategy.pick(thousand, null))]++;
    }

    for (int i = 0; i < picks.length; i++) {
      assertTrue(picks[i] > 50 && picks[i] < 160, thousand.get(i) + " took " + picks[i] + " of 100 calls expected");
    }
  }

  @Test
  void aSampledWarmingReplicaFillsUpToItsWarmth() {
    List<FakeCandidate> hundred = FakeCandidate.replicas(100);
    hundred.get(99).warmth = 0.5;

    double share = new LoadSimulation(hundred, 2_000, 5).run(new LeastInFlight(new SplittableRandom(5)), 200_000).share(99);

    // Loads level where (x + 1) / 0.5 = y + 1 with y ≈ 20 calls on a warm replica: x ≈ 10, about half a fair share of 0.01.
    assertEquals(0.005, share, 0.0015);
  }

  private void setInFlight(double... counts) {
    for (int i = 0; i < counts.length; i++) {
      replicas.get(i).inFlight = counts[i];
    }
  }
}
