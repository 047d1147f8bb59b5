package io.busmesh.balance;

import io.vertx.core.eventbus.Message;

import java.util.List;

/** Cycles through the replicas; a change of the replica list only shifts where the cycle resumes. */
final class RoundRobin implements Strategy {

  private int next;

  @Override
  public Candidate pick(List<? extends Candidate> candidates, Message<?> call) {
    int index = Math.floorMod(next++, candidates.size());
    return candidates.get(index);
  }
}
