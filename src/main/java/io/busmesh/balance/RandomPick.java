package io.busmesh.balance;

import io.busmesh.Replica;
import io.vertx.core.eventbus.Message;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Uniform random choice: no state, no coordination, and a spread that only evens out over many calls. */
final class RandomPick implements Strategy {

  @Override
  public Replica pick(List<Replica> candidates, Message<?> call) {
    return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }
}
