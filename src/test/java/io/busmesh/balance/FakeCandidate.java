package io.busmesh.balance;

import io.busmesh.Replica;
import io.vertx.core.json.JsonObject;

/** A candidate whose figures a test sets by hand. */
final class FakeCandidate implements Candidate {

  private final Replica replica;
  double inFlight;
  double latencyEwmaNanos;
  double errorRate;
  double warmth = 1.0;

  FakeCandidate(String address) {
    this(address, 1);
  }

  FakeCandidate(String address, int weight) {
    this.replica = new Replica("s", address, "n", weight, "", 0, new JsonObject());
  }

  @Override
  public Replica replica() {
    return replica;
  }

  @Override
  public double inFlight() {
    return inFlight;
  }

  @Override
  public double latencyEwmaNanos() {
    return latencyEwmaNanos;
  }

  @Override
  public double errorRate() {
    return errorRate;
  }

  @Override
  public double warmth() {
    return warmth;
  }

  @Override
  public String toString() {
    return replica.address();
  }
}
