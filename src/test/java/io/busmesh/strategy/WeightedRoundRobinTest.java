package io.busmesh.strategy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WeightedRoundRobinTest {

  @Test
  void sharesAreProportionalToWeights() {
    List<FakeCandidate> replicas = List.of(new FakeCandidate("a", 5), new FakeCandidate("b", 3),
        new FakeCandidate("c", 1), new FakeCandidate("d", 1));

    int[] picks = pick(new WeightedRoundRobin(), replicas, 10_000);

    assertEquals(5_000, picks[0], 10);
    assertEquals(3_000, picks[1], 10);
    assertEquals(1_000, picks[2], 10);
    assertEquals(1_000, picks[3], 10);
  }

  @Test
  void interleavesTheHeavyReplicasPicksLikeNginx() {
    List<FakeCandidate> replicas = List.of(new FakeCandidate("a", 5), new FakeCandidate("b", 1), new FakeCandidate("c", 1));
    Strategy strategy = new WeightedRoundRobin();

    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      order.append(strategy.pick(replicas, null).replica().address());
    }

    assertEquals("aabacaa", order.toString());
  }

  @Test
  void warmthScalesAReplicasShare() {
    List<FakeCandidate> replicas = List.of(new FakeCandidate("a", 2), new FakeCandidate("b", 2));
    replicas.get(1).warmth = 0.5;

    int[] picks = pick(new WeightedRoundRobin(), replicas, 3_000);

    assertEquals(2_000, picks[0], 10);
    assertEquals(1_000, picks[1], 10);
  }

  @Test
  void startsAFreshCycleOnANewReplicaList() {
    Strategy strategy = new WeightedRoundRobin();
    List<FakeCandidate> two = List.of(new FakeCandidate("a", 3), new FakeCandidate("b", 1));
    pick(strategy, two, 3);

    int[] picks = pick(strategy, List.of(new FakeCandidate("a", 1), new FakeCandidate("b", 1), new FakeCandidate("c", 1)), 300);

    assertEquals(100, picks[0]);
    assertEquals(100, picks[1]);
    assertEquals(100, picks[2]);
  }

  private static int[] pick(Strategy strategy, List<FakeCandidate> replicas, int calls) {
    int[] picks = new int[replicas.size()];
    for (int i = 0; i < calls; i++) {
      picks[replicas.indexOf(strategy.pick(replicas, null))]++;
    }
    return picks;
  }
}
