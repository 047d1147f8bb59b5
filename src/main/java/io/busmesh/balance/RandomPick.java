package io.busmesh.balance;

import io.vertx.core.eventbus.Message;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Uniform random choice: no state, no coordination, and a spread that only evens out over many calls. */
final class RandomPick implements Strategy {

  @Override
  public Candidate pick(List<? extends Candidate> candidates, Message<?> call) {
    return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }
}
