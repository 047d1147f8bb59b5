package io.busmesh.balance;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrategyTest {

  private final List<FakeCandidate> three = List.of(new FakeCandidate("r1"), new FakeCandidate("r2"), new FakeCandidate("r3"));

  @Test
  void roundRobinCyclesInOrder() {
    Strategy strategy = Strategy.named("round-robin");

    StringBuilder picks = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      picks.append(strategy.pick(three, null).replica().address()).append(' ');
    }

    assertEquals("r1 r2 r3 r1 r2 r3 ", picks.toString());
  }

  @Test
  void roundRobinStaysInRangeWhenTheListShrinks() {
    Strategy strategy = Strategy.roundRobin();
    strategy.pick(three, null);
    strategy.pick(three, null);

    assertEquals("r1", strategy.pick(three.subList(0, 1), null).replica().address());
  }

  @Test
  void randomReachesEveryReplica() {
    Strategy strategy = Strategy.named("random");
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3_000; i++) {
      counts.merge(strategy.pick(three, null).replica().address(), 1, Integer::sum);
    }

    assertEquals(3, counts.size());
    counts.values().forEach(n -> assertTrue(n > 800, "picks " + counts));
  }
}
