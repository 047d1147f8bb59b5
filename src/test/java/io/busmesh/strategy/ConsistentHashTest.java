package io.busmesh.strategy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsistentHashTest {

  private static final int KEYS = 10_000;

  private final List<FakeCandidate> ten = FakeCandidate.replicas(10);

  @Test
  void theSameKeyReachesTheSameReplicaOnEveryNode() {
    Strategy node1 = byUser(1);
    Strategy node2 = byUser(2);

    for (int key = 0; key < 1_000; key++) {
      Candidate first = node1.pick(ten, user(key));
      node1.pick(ten, user(key + 1));
      assertSame(first, node1.pick(ten, user(key)), "key " + key + " moved between two calls");
      assertSame(first, node2.pick(ten, user(key)), "key " + key + " is placed differently by another node");
    }
  }

  @Test
  void keysSpreadOverAllReplicas() {
    int[] keysPer = new int[ten.size()];
    Strategy strategy = byUser(1);
    for (int key = 0; key < KEYS; key++) {
      keysPer[ten.indexOf(strategy.pick(ten, user(key)))]++;
    }

    for (int i = 0; i < ten.size(); i++) {
      assertTrue(keysPer[i] > 0.05 * KEYS && keysPer[i] < 0.15 * KEYS, ten.get(i) + " holds " + keysPer[i] + " keys");
    }
  }

  @Test
  void addingAnEleventhReplicaMovesOnlyTheKeysItTakes() {
    List<FakeCandidate> eleven = new ArrayList<>(ten);
    eleven.add(new FakeCandidate("r10"));
    Strategy strategy = byUser(1);

    Candidate[] before = placeAll(strategy, ten);
    Candidate[] after = placeAll(strategy, eleven);

    int moved = 0;
    for (int key = 0; key < KEYS; key++) {
      if (after[key] != before[key]) {
        moved++;
        assertSame(eleven.get(10), after[key], "key " + key + " moved from " + before[key] + " to an old replica");
      }
    }
    // Ideally 1/11 ≈ 9.1 %.
    assertTrue(moved > 0.05 * KEYS && moved < 0.15 * KEYS, moved + " of " + KEYS + " keys moved");
  }

  @Test
  void removingAReplicaMovesOnlyItsKeys() {
    List<FakeCandidate> nine = new ArrayList<>(ten);
    FakeCandidate removed = nine.remove(4);
    Strategy strategy = byUser(1);

    Candidate[] before = placeAll(strategy, ten);
    Candidate[] after = placeAll(strategy, nine);

    for (int key = 0; key < KEYS; key++) {
      if (before[key] != removed) {
        assertSame(before[key], after[key], "key " + key + " left a replica that stayed");
      }
    }
  }

  @Test
  void aReplicaWhoseBreakerOpensGivesUpOnlyItsKeysAmongTenThousandAndGetsThemBack() {
    List<FakeCandidate> all = IntStream.range(0, 10_000).mapToObj(i -> new FakeCandidate(String.format("r%05d", i))).toList();
    List<FakeCandidate> withoutOne = new ArrayList<>(all);
    FakeCandidate open = withoutOne.remove(4_321);
    Strategy strategy = byUser(1);

    Candidate[] before = placeAll(strategy, all);
    Candidate[] whileOpen = placeAll(strategy, withoutOne);
    Candidate[] closed = placeAll(strategy, all);
    Candidate[] elsewhere = placeAll(byUser(2), withoutOne);

    for (int key = 0; key < KEYS; key++) {
      if (before[key] != open) {
        assertSame(before[key], whileOpen[key], "key " + key + " left a replica that stayed");
      }
      assertSame(before[key], closed[key], "key " + key + " is not back where it was");
      assertSame(elsewhere[key], whileOpen[key], "key " + key + " is placed otherwise by a node that never saw the replica");
    }
  }

  @Test
  void aHeavierReplicaHoldsMoreKeys() {
    List<FakeCandidate> weighted = List.of(new FakeCandidate("a", 3), new FakeCandidate("b"), new FakeCandidate("c"),
        new FakeCandidate("d"));
    Strategy strategy = byUser(1);

    int heavy = 0;
    for (int key = 0; key < KEYS; key++) {
      heavy += strategy.pick(weighted, user(key)) == weighted.get(0) ? 1 : 0;
    }

    assertEquals(0.5, (double) heavy / KEYS, 0.08);
  }

  @Test
  void aHeaderCanBeTheKey() {
    Strategy strategy = StrategyFactory.named("consistent-hash").create(new JsonObject().put("hashKey", "header:x-session"));

    Set<Candidate> sessions = new HashSet<>();
    for (int session = 0; session < 100; session++) {
      Candidate first = strategy.pick(ten, FakeCall.withHeader("x-session", "s" + session));
      assertSame(first, strategy.pick(ten, FakeCall.withHeader("X-Session", "s" + session)));
      sessions.add(first);
    }
    assertTrue(sessions.size() >= 8, "100 sessions went to only " + sessions.size() + " replicas");
  }

  @Test
  void anArgumentCanBeTheKeyWhateverTheOtherArguments() {
    Strategy strategy = StrategyFactory.named("consistent-hash").create(new JsonObject().put("hashKey", "arg:a"));

    Candidate first = strategy.pick(ten, FakeCall.withArguments(new JsonObject().put("a", 42).put("b", 1)));
    for (int b = 2; b < 50; b++) {
      assertSame(first, strategy.pick(ten, FakeCall.withArguments(new JsonObject().put("a", 42).put("b", b))));
    }
  }

  @Test
  void aCallWithoutKeyIsPlacedAtRandom() {
    Strategy strategy = byUser(1);

    Set<Candidate> reached = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      reached.add(strategy.pick(ten, null));
      reached.add(strategy.pick(ten, FakeCall.withArguments(new JsonObject().put("other", i))));
      reached.add(strategy.pick(ten, FakeCall.withBody("not a JSON object")));
    }
    assertEquals(10, reached.size());
  }

  @Test
  void badSettingsAreRejectedNamingTheValueAndTheAcceptedForms() {
    String forms = "\"header:NAME\" (a message header) or \"arg:NAME\" (a field of the call's JSON body, i.e. a service "
        + "method argument)";
    assertEquals("Invalid settings of strategy 'consistent-hash': 'hashKey' must be " + forms + ", got \"cookie:id\".",
        rejection(new JsonObject().put("hashKey", "cookie:id")));
    assertEquals("Invalid settings of strategy 'consistent-hash': 'hashKey' must be " + forms + ", got \"arg:\".",
        rejection(new JsonObject().put("hashKey", "arg:")));
    assertEquals("Invalid settings of strategy 'consistent-hash': 'hashKey' must be " + forms + ", got nothing.",
        rejection(new JsonObject()));
    assertEquals("Invalid settings of strategy 'consistent-hash': 'hashKey' must be a non-empty string, got 7.",
        rejection(new JsonObject().put("hashKey", 7)));
    assertEquals("Invalid settings of strategy 'consistent-hash': unknown key [key]; the keys it accepts are [hashKey].",
        rejection(new JsonObject().put("key", "arg:a")));
  }

  private static String rejection(JsonObject settings) {
    return assertThrows(IllegalArgumentException.class, () -> StrategyFactory.named("consistent-hash").create(settings)).getMessage();
  }

  /** Where each of the {@value #KEYS} keys goes; one candidate list at a time, as the balancer passes them. */
  private static Candidate[] placeAll(Strategy strategy, List<FakeCandidate> replicas) {
    Candidate[] placed = new Candidate[KEYS];
    for (int key = 0; key < KEYS; key++) {
      placed[key] = strategy.pick(replicas, user(key));
    }
    return placed;
  }

  private static Strategy byUser(long seed) {
    return new ConsistentHash(HashKey.parse("arg:user"), new SplittableRandom(seed));
  }

  private static FakeCall user(int key) {
    return FakeCall.withArguments(new JsonObject().put("user", "user-" + key));
  }
}
