package io.busmesh.impl.balance;

import io.busmesh.strategy.CallInfo;
import io.busmesh.strategy.Candidate;
import io.busmesh.strategy.Strategy;
import io.busmesh.strategy.StrategyFactory;
import io.vertx.core.json.JsonObject;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.List;

/**
 * A service's strategy, one instance per event loop that routes its calls (Envoy's per-worker load
 * balancers): a {@link Strategy} keeps plain mutable state (a round-robin position, a hash ring) and
 * is never called by two threads at once, without any lock. Switching strategy swaps the choice;
 * each loop makes its own instance of the new one at its next pick.
 */
final class LoopStrategies {

  /** The strategy in force: what each loop makes its instance from. */
  private record Choice(String name, StrategyFactory factory, JsonObject settings) {

    Strategy create() {
      Strategy strategy = factory.create(settings.copy());
      if (strategy == null) {
        throw new IllegalArgumentException("Strategy factory '" + name + "' made no strategy (null)");
      }
      return strategy;
    }
  }

  /** One loop's instance, and the choice it was made from. */
  private record Instance(Choice choice, Strategy strategy) {
  }

  private volatile Choice choice;
  /** Netty's thread-local: an array slot on an event-loop thread rather than a hash probe. */
  private final FastThreadLocal<Instance> perLoop = new FastThreadLocal<>();

  /**
   * Switches to {@code factory}'s strategy with {@code settings}, after making one instance of it (for
   * this thread) to check that it can be made.
   *
   * @throws IllegalArgumentException naming the unknown setting or the factory that made nothing
   */
  void use(String name, StrategyFactory factory, JsonObject settings) {
    Choice next = new Choice(name, factory, settings == null ? new JsonObject() : settings.copy());
    Strategy checked = next.create();
    choice = next;
    perLoop.set(new Instance(next, checked));
  }

  String name() {
    return choice.name();
  }

  /** This loop's instance of the strategy in force picks one of {@code candidates}. */
  <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    Choice current = choice;
    Instance mine = perLoop.get();
    if (mine == null || mine.choice() != current) {
      mine = new Instance(current, current.create());
      perLoop.set(mine);
    }
    return mine.strategy().pick(candidates, call);
  }
}
