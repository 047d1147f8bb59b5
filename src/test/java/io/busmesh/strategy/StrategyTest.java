package io.busmesh.strategy;

import io.busmesh.test.FirstReplicaStrategy;
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
    Strategy strategy = StrategyFactory.named("round-robin").create(new JsonObject());

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
  void roundRobinOffersATurnToAtMostSixteenReplicasWhenManyAreWarming() {
    List<FakeCandidate> cold = FakeCandidate.replicas(1_000);
    cold.forEach(c -> c.warmth = 1e-12);
    TouchedCandidates replicas = new TouchedCandidates(cold);
    Strategy strategy = new RoundRobin(new SplittableRandom(1));

    for (int i = 0; i < 100; i++) {
      int touched = replicas.touchedByOnePick(strategy);
      assertEquals(RoundRobin.MAX_PROBES, touched, "pick " + i + " read " + touched + " replicas");
    }
  }

  @Test
  void roundRobinGivesTheTurnToTheWarmestOfTheReplicasItOffered() {
    List<FakeCandidate> cold = FakeCandidate.replicas(1_000);
    cold.forEach(c -> c.warmth = 1e-12);
    cold.get(7).warmth = 3e-12;
    cold.get(500).warmth = 1.0; // beyond the first sixteen: not offered the first turn
    Strategy strategy = new RoundRobin(new SplittableRandom(1));

    assertSame(cold.get(7), strategy.pick(cold, null));
    assertSame(cold.get(8), strategy.pick(cold, null), "the cycle goes on after the replica that took the turn");
  }

  @Test
  void randomReachesEveryReplica() {
    Strategy strategy = StrategyFactory.named("random").create(new JsonObject());
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
  void randomDrawsAtMostSixteenReplicasWhenManyAreWarming() {
    List<FakeCandidate> cold = FakeCandidate.replicas(1_000);
    cold.forEach(c -> c.warmth = 1e-12);
    TouchedCandidates replicas = new TouchedCandidates(cold);
    Strategy strategy = new RandomPick(new SplittableRandom(1));

    for (int i = 0; i < 100; i++) {
      int touched = replicas.touchedByOnePick(strategy);
      assertTrue(touched <= RandomPick.MAX_DRAWS, "pick " + i + " read " + touched + " replicas");
    }
  }

  @Test
  void randomFindsTheOneWarmReplicaOnlyWhenItIsDrawn() {
    List<FakeCandidate> cold = FakeCandidate.replicas(1_000);
    cold.forEach(c -> c.warmth = 1e-12);
    cold.get(500).warmth = 1.0;
    Strategy strategy = new RandomPick(new SplittableRandom(1));

    // Sixteen draws of 1,000 include it with probability 1.6 % (all 1,000 draws did: 63 %).
    long warm = IntStream.range(0, 10_000).filter(i -> strategy.pick(cold, null) == cold.get(500)).count();
    assertTrue(warm > 100 && warm < 250, "the warm replica was picked " + warm + " times of 10,000");
  }

  @Test
  void everyStrategyIsKnownByNameAndPicksAReplica() {
    assertEquals(Set.of("adaptive", "consistent-hash", "least-in-flight", "p2c", "peak-ewma", "random", "round-robin",
        "weighted", FirstReplicaStrategy.NAME), StrategyFactory.names());
    for (String name : StrategyFactory.names()) {
      JsonObject settings = name.equals("consistent-hash") ? new JsonObject().put("hashKey", "arg:a") : new JsonObject();
      Candidate picked = StrategyFactory.named(name).create(settings).pick(three, FakeCall.withArguments(new JsonObject().put("a", 1)));
      assertTrue(three.contains(picked), name + " picked " + picked);
    }
  }

  @Test
  void anUnknownNameIsRejectedListingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StrategyFactory.named("fastest").create(new JsonObject()));

    assertEquals("Unknown balancing strategy 'fastest'; use one of [adaptive, consistent-hash, first-replica, "
        + "least-in-flight, p2c, peak-ewma, random, round-robin, weighted], or register yours (see "
        + "io.busmesh.strategy.StrategyFactory)", e.getMessage());
  }

  @Test
  void aStrategyRegisteredThroughTheServiceLoaderIsChosenByNameWithItsSettings() {
    Strategy strategy = StrategyFactory.named(FirstReplicaStrategy.NAME).create(new JsonObject().put("suffix", "3"));

    assertSame(three.get(2), strategy.pick(three, FakeCall.withArguments(new JsonObject())));
    assertThrows(IllegalArgumentException.class,
        () -> StrategyFactory.named(FirstReplicaStrategy.NAME).create(new JsonObject().put("sufix", "3")));
  }

  @Test
  void aFactoryGivenInCodeIsUsedAndValidatedAtOnce() {
    StrategyFactory last = StrategyFactory.of("last-replica", settings -> new Strategy() {
      @Override
      public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
        return candidates.get(candidates.size() - 1);
      }
    });
    io.busmesh.ServiceOptions options = new io.busmesh.ServiceOptions().setStrategy(last, new JsonObject());

    assertEquals("last-replica", options.getStrategy());
    assertSame(three.get(2), options.getStrategyFactory().create(options.getStrategyOptions()).pick(three, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new io.busmesh.ServiceOptions()
        .setStrategy(StrategyFactory.of("broken", settings -> null), new JsonObject()));
    assertEquals("Strategy factory 'broken' made no strategy (null)", e.getMessage());
  }

  @Test
  void aSettingGivenToAStrategyWithoutSettingsIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StrategyFactory.named("p2c").create(new JsonObject().put("hashKey", "arg:a")));

    assertEquals("Invalid settings of strategy 'p2c': unknown key [hashKey]; the keys it accepts are [].", e.getMessage());
  }
}
