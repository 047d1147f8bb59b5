package io.busmesh.strategy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void spreadsTheHeavyReplicasPicksBetweenTheOthers() {
    // nginx's smooth weighted round robin, used before, gave the exact cycle a a b a c a a (a run of 4
    // across cycles). Deadline scheduling gives another order, from a random phase, so the property is
    // pinned instead: any 7 calls in a row hold exactly one cycle's share (5 a, 1 b, 1 c), and a's
    // picks are split between the gaps that b and c leave, so at most ceil(5 / 2) + 1 = 3 in a row.
    List<FakeCandidate> replicas = List.of(new FakeCandidate("a", 5), new FakeCandidate("b", 1), new FakeCandidate("c", 1));
    for (long seed = 0; seed < 20; seed++) {
      String order = order(new WeightedRoundRobin(new SplittableRandom(seed)), replicas, 7_000);

      for (int i = 0; i + 7 <= order.length(); i++) {
        String cycle = order.substring(i, i + 7);
        assertEquals("aaaaabc", cycle.chars().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint,
            StringBuilder::append).toString(), "calls " + i + " to " + (i + 6) + " with phase seed " + seed);
      }
      assertFalse(order.contains("aaaa"), "a run of four in " + order.substring(0, 28) + "…");
    }
  }

  @Test
  void sharesAreExactOverWholeCyclesOfTenThousandReplicas() {
    List<FakeCandidate> replicas = IntStream.range(0, 10_000)
        .mapToObj(i -> new FakeCandidate(String.format("r%05d", i), 1 + i % 3)).toList();
    int totalWeight = replicas.stream().mapToInt(r -> r.replica().weight()).sum();

    int[] picks = pick(new WeightedRoundRobin(new SplittableRandom(1)), replicas, 3 * totalWeight);

    for (int i = 0; i < replicas.size(); i++) {
      assertEquals(3 * replicas.get(i).replica().weight(), picks[i], 1, replicas.get(i) + "'s picks in 3 cycles");
    }
  }

  @Test
  void spacesAHeavyReplicasPicksEvenlyAmongTenThousand() {
    List<FakeCandidate> replicas = new ArrayList<>(List.of(new FakeCandidate("heavy", 1_000)));
    IntStream.range(0, 9_999).mapToObj(i -> new FakeCandidate(String.format("r%05d", i))).forEach(replicas::add);
    Strategy strategy = new WeightedRoundRobin(new SplittableRandom(1));

    // Weight 1,000 of 10,999: one call in 11 on average.
    int heavyPicks = 0;
    int last = -1;
    for (int call = 0; call < 2 * 10_999; call++) {
      if (strategy.pick(replicas, null) == replicas.get(0)) {
        heavyPicks++;
        assertTrue(last < 0 || (call - last >= 8 && call - last <= 14), "the heavy replica's picks " + last + " and " + call);
        last = call;
      }
    }
    assertEquals(2_000, heavyPicks, 1);
  }

  @Test
  void aWarmingReplicasShareFollowsItsWarmthAsItWarms() {
    List<FakeCandidate> replicas = FakeCandidate.replicas(10);
    FakeCandidate warming = replicas.get(9);
    warming.warmth = 0.001;
    Strategy strategy = new WeightedRoundRobin(new SplittableRandom(1));
    int coldPicks = pick(strategy, replicas, 1_000)[9];

    warming.warmth = 1.0;
    int warmPicks = pick(strategy, replicas, 100)[9];

    // At warmth 0.001 its next turn was ~9,000 calls away; re-read, it is due at once and then every 10 calls.
    assertTrue(coldPicks <= 1, "picked " + coldPicks + " times of 1,000 at warmth 0.001");
    assertEquals(10, warmPicks, 1, "picks of the 100 calls after it warmed");
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

  private static String order(Strategy strategy, List<FakeCandidate> replicas, int calls) {
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < calls; i++) {
      order.append(strategy.pick(replicas, null).replica().address());
    }
    return order.toString();
  }

  private static int[] pick(Strategy strategy, List<FakeCandidate> replicas, int calls) {
    Map<Candidate, Integer> indexOf = new IdentityHashMap<>();
    replicas.forEach(r -> indexOf.put(r, indexOf.size()));
    int[] picks = new int[replicas.size()];
    for (int i = 0; i < calls; i++) {
      picks[indexOf.get(strategy.pick(replicas, null))]++;
    }
    return picks;
  }
}
