package io.busmesh.impl.balance;

import io.busmesh.strategy.CallInfo;
import io.busmesh.strategy.Candidate;
import io.busmesh.strategy.Strategy;
import io.busmesh.strategy.StrategyFactory;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopStrategiesTest {

  /** Counts the instances made, and records which threads each instance served. */
  private static final class Recording implements StrategyFactory {
    final List<Set<Thread>> instances = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public Strategy create(JsonObject settings) {
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      instances.add(threads);
      return new Strategy() {
        @Override
        public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
          threads.add(Thread.currentThread());
          return candidates.get(0);
        }
      };
    }
  }

  private final List<FakeTarget> replicas = List.of(new FakeTarget("busmesh.r.svc.n1.1"));

  @Test
  void eachThreadPicksWithAnInstanceOfItsOwn() throws Exception {
    Recording factory = new Recording();
    LoopStrategies strategies = new LoopStrategies();
    strategies.use("recording", factory, new JsonObject());
    List<Thread> loops = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      loops.add(new Thread(() -> {
        for (int call = 0; call < 100; call++) {
          strategies.pick(replicas, null);
        }
      }));
    }
    loops.forEach(Thread::start);
    for (Thread loop : loops) {
      loop.join();
    }

    assertEquals(4, factory.instances.size(), "one checked when chosen, then one per thread that picked");
    assertTrue(factory.instances.stream().allMatch(threads -> threads.size() <= 1), "no instance served two threads");
  }

  @Test
  void aSwitchReachesEveryThreadAtItsNextPick() {
    Recording first = new Recording();
    Recording second = new Recording();
    LoopStrategies strategies = new LoopStrategies();
    strategies.use("first", first, new JsonObject());
    strategies.pick(replicas, null);

    strategies.use("second", second, new JsonObject());
    strategies.pick(replicas, null);

    assertEquals("second", strategies.name());
    assertEquals(1, second.instances.size());
    assertEquals(Set.of(Thread.currentThread()), second.instances.get(0));
  }

  @Test
  void aStrategyThatCannotBeMadeIsRefusedAndTheOldOneStays() {
    LoopStrategies strategies = new LoopStrategies();
    strategies.use("first", new Recording(), new JsonObject());

    assertThrows(IllegalArgumentException.class, () -> strategies.use("broken", StrategyFactory.of("broken", s -> null),
        new JsonObject()));
    assertEquals("first", strategies.name());
  }
}
