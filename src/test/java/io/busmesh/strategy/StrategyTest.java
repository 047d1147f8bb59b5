package io.busmesh.strategy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
  void roundRobinTakesTheWarmestReplicaAfterALapWhenAllAreCold() {
    List<FakeCandidate> cold = FakeCandidate.replicas(3);
    cold.forEach(c -> c.warmth = 1e-12);
    cold.get(1).warmth = 2e-12;
    Strategy strategy = new RoundRobin(new SplittableRandom(1));

    for (int i = 0; i < 10; i++) {
      assertSame(cold.get(1), strategy.pick(cold, null));
    }
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

  @Test
  void randomTakesTheWarmestReplicaDrawnWhenAllAreCold() {
    List<FakeCandidate> cold = FakeCandidate.replicas(2);
    cold.get(0).warmth = 1e-12;
    cold.get(1).warmth = 2e-12;
    Strategy strategy = new RandomPick(new SplittableRandom(1));

    // Two draws per pick: the warmer one is among them unless both drew replica 0 (1 in 4).
    long warmer = IntStream.range(0, 1_000).filter(i -> strategy.pick(cold, null) == cold.get(1)).count();
    assertTrue(warmer > 650 && warmer < 850, "warmer replica picked " + warmer + " times of 1000");
  }

  @Test
  void everyStrategyIsKnownByNameAndPicksAReplica() {
    assertEquals(Set.of("adaptive", "consistent-hash", "least-in-flight", "p2c", "peak-ewma", "random", "round-robin",
        "weighted"), Strategy.Registry.BY_NAME.keySet());
    for (String name : Strategy.Registry.BY_NAME.keySet()) {
      JsonObject settings = name.equals("consistent-hash") ? new JsonObject().put("hashKey", "arg:a") : new JsonObject();
      Candidate picked = Strategy.named(name, settings).pick(three, FakeCall.withArguments(new JsonObject().put("a", 1)));
      assertTrue(three.contains(picked), name + " picked " + picked);
    }
  }

  @Test
  void anUnknownNameIsRejectedListingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Strategy.named("fastest"));

    assertEquals("Unknown balancing strategy 'fastest'; use one of [adaptive, consistent-hash, least-in-flight, p2c, "
        + "peak-ewma, random, round-robin, weighted]", e.getMessage());
  }

  @Test
  void aSettingGivenToAStrategyWithoutSettingsIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Strategy.named("p2c", new JsonObject().put("hashKey", "arg:a")));

    assertEquals("Invalid settings of strategy 'p2c': unknown key [hashKey]; the keys it accepts are [].", e.getMessage());
  }
}
