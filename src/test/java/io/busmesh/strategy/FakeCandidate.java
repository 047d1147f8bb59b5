package io.busmesh.strategy;

import io.busmesh.Replica;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.stream.IntStream;

/** A candidate whose figures a test sets by hand. */
final class FakeCandidate implements Candidate {

  private final Replica replica;
  double inFlight;
  double latencyEwmaNanos;
  /** Negative: the same as {@link #latencyEwmaNanos}, for tests that set one latency. */
  double latencyAverageNanos = -1;
  double errorRate;
  double warmth = 1.0;

  FakeCandidate(String address) {
    this(address, 1);
  }

  FakeCandidate(String address, int weight) {
    this.replica = new Replica("s", address, "n", weight, "", 0, new JsonObject());
  }

  /** {@code count} idle, warm replicas of weight 1 named r00, r01… (sorted by address, as the balancer passes them). */
  static List<FakeCandidate> replicas(int count) {
    return IntStream.range(0, count).mapToObj(i -> new FakeCandidate(String.format("r%02d", i))).toList();
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
  public double latencyAverageNanos() {
    return latencyAverageNanos < 0 ? latencyEwmaNanos : latencyAverageNanos;
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
