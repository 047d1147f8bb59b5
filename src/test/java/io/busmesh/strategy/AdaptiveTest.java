package io.busmesh.strategy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdaptiveTest {

  private static final double MS = 1_000_000;

  @Test
  void aReplicaFailingHalfItsCallsGetsAClearlySmallerShare() {
    List<FakeCandidate> replicas = replicasAt(2 * MS);
    replicas.get(0).errorRate = 0.5;

    LoadSimulation simulation = new LoadSimulation(replicas, 100, 1).run(adaptive(1), 50_000);

    double healthyShare = (1 - simulation.share(0)) / 4;
    assertTrue(simulation.share(0) < healthyShare / 2,
        "failing replica " + simulation.share(0) + ", each healthy one " + healthyShare);
  }

  @Test
  void aReplicaThatFailsFastDoesNotWinByLookingFast() {
    List<FakeCandidate> replicas = replicasAt(5 * MS);
    replicas.get(0).latencyEwmaNanos = 0.05 * MS;
    replicas.get(0).errorRate = 0.9;

    double adaptive = new LoadSimulation(replicas, 100, 2).run(adaptive(2), 50_000).share(0);
    replicas.forEach(r -> r.inFlight = 0);
    double peakEwma = new LoadSimulation(replicas, 100, 2).run(new PeakEwmaCost(new SplittableRandom(2)), 50_000).share(0);

    assertTrue(adaptive < 0.05, "adaptive sent " + adaptive + " of the calls to the fast-failing replica");
    // P2C sends a replica at most the share of draws it appears in (2 of 5 here), and peak EWMA takes it each time.
    assertTrue(peakEwma > 0.35, "peak EWMA, blind to errors, was expected to favour it; sent " + peakEwma);
  }

  @Test
  void healthyReplicasOfEqualLatencyShareEvenly() {
    LoadSimulation simulation = new LoadSimulation(replicasAt(2 * MS), 100, 3).run(adaptive(3), 50_000);

    for (int i = 0; i < 5; i++) {
      assertEquals(0.2, simulation.share(i), 0.01);
    }
  }

  @Test
  void replicasWithinTheLatencyToleranceShareOnLoadAlone() {
    List<FakeCandidate> replicas = replicasAt(2 * MS);
    replicas.get(0).latencyEwmaNanos = 3.5 * MS; // slower, but within 2x of the others

    LoadSimulation simulation = new LoadSimulation(replicas, 100, 4).run(adaptive(4), 50_000);

    assertEquals(0.2, simulation.share(0), 0.01, "latency noise within the tolerance moves no load");
  }

  @Test
  void aReplicaTwentyTimesSlowerGetsAlmostNoCallsEvenWhenTheOthersAreBusy() {
    List<FakeCandidate> replicas = FakeCandidate.replicas(3);
    replicas.forEach(r -> r.latencyEwmaNanos = 2 * MS);
    replicas.get(0).latencyEwmaNanos = 40 * MS;

    // 16 calls in flight over three replicas, as in bench/slow-replica.sh
    double slowShare = new LoadSimulation(replicas, 16, 5).run(adaptive(5), 50_000).share(0);
    replicas.forEach(r -> r.inFlight = 0);
    double p2cShare = new LoadSimulation(replicas, 16, 5).run(new PowerOfTwoChoices(new SplittableRandom(5)), 50_000).share(0);

    assertTrue(slowShare < 0.001, "adaptive sent " + slowShare + " of the calls to the slow replica");
    assertTrue(p2cShare > 0.2, "p2c, blind to latency, spreads on queue length alone; it sent " + p2cShare);
  }

  @Test
  void theLatencyFloorIsASettingAndMustBePositive() {
    assertTrue(StrategyFactory.named("adaptive").create(new JsonObject().put("latencyFloorMicros", 200)
        .put("latencyTolerance", 1.5)) instanceof Adaptive);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StrategyFactory.named("adaptive").create(new JsonObject().put("latencyFloorMicros", 0)));
    assertEquals("Invalid settings of strategy 'adaptive': 'latencyFloorMicros' must be an integer between 1 and 60000000, got 0.",
        e.getMessage());
  }

  private static List<FakeCandidate> replicasAt(double latencyNanos) {
    List<FakeCandidate> replicas = FakeCandidate.replicas(5);
    replicas.forEach(r -> r.latencyEwmaNanos = latencyNanos);
    return replicas;
  }

  private static Strategy adaptive(long seed) {
    return new Adaptive(Adaptive.DEFAULT_LATENCY_FLOOR_MICROS, Adaptive.DEFAULT_LATENCY_TOLERANCE, new SplittableRandom(seed));
  }
}
