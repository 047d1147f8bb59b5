package io.busmesh.impl.load;

import io.busmesh.Replica;
import io.busmesh.ReplicaMetrics;
import io.busmesh.impl.load.ReplicaLoad.Outcome;
import io.busmesh.impl.metrics.CallWindow;
import io.busmesh.test.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The time-dependent load figures, driven by a fake clock: no sleeping. */
class LoadFiguresTest {

  private static final long MS = 1_000_000L;
  private final FakeClock clock = new FakeClock();

  @Test
  void peakEwmaJumpsToASlowerSampleAndDecaysBack() {
    LatencyEwma ewma = LatencyEwma.peak(10_000 * MS);
    ewma.observe(10 * MS, clock.nanoTime());
    ewma.observe(200 * MS, clock.nanoTime());
    assertEquals(200 * MS, ewma.valueAt(clock.nanoTime()), 1.0, "a slower sample is taken at once");

    clock.advance(Duration.ofSeconds(10));
    assertEquals(200 * MS * Math.exp(-1), ewma.valueAt(clock.nanoTime()), 1e3, "decays with τ while idle");

    for (int i = 0; i < 600; i++) { // 60 s = 6 τ of 10 ms samples
      clock.advance(Duration.ofMillis(100));
      ewma.observe(10 * MS, clock.nanoTime());
    }
    assertEquals(10 * MS, ewma.valueAt(clock.nanoTime()), 1 * MS, "converges to faster samples");
  }

  @Test
  void smoothEwmaShrugsOffASpike() {
    LatencyEwma ewma = LatencyEwma.smooth(10_000 * MS);
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofMillis(10));
      ewma.observe(2 * MS, clock.nanoTime());
    }
    clock.advance(Duration.ofMillis(10));
    ewma.observe(40 * MS, clock.nanoTime());

    assertEquals(2 * MS, ewma.valueAt(clock.nanoTime()), 0.1 * MS, "one 40 ms spike among 2 ms calls");
  }

  @Test
  void decayingRateFollowsTheRecentShareOfFailures() {
    DecayingRate rate = new DecayingRate(1_000 * MS);
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofMillis(50));
      rate.record(i % 2 == 0, clock.nanoTime());
    }
    assertEquals(0.5, rate.rateAt(clock.nanoTime()), 0.1);
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofMillis(50));
      rate.record(false, clock.nanoTime());
    }
    assertTrue(rate.rateAt(clock.nanoTime()) < 0.01, "rate " + rate.rateAt(clock.nanoTime()));
  }

  @Test
  void aReplicasFirstFailureDoesNotMakeItsErrorRateAHundredPercent() {
    DecayingRate rate = new DecayingRate(10_000 * MS);

    rate.record(true, clock.nanoTime()); // e.g. a business error such as "out of stock"

    assertEquals(1.0 / (DecayingRate.PRIOR_SUCCESSES + 1), rate.rateAt(clock.nanoTime()), 1e-9);
  }

  @Test
  void theErrorRateOfAReplicaThatGetsNoCallsFadesWithinSeconds() {
    DecayingRate rate = new DecayingRate(10_000 * MS);
    for (int i = 0; i < 50; i++) { // a hung replica's attempts time out one after the other
      clock.advance(Duration.ofMillis(10));
      rate.record(true, clock.nanoTime());
    }
    double failing = rate.rateAt(clock.nanoTime());

    clock.advance(Duration.ofSeconds(2)); // avoided meanwhile, or out of the view

    assertTrue(failing > 0.8, "rate while failing " + failing);
    assertEquals(failing * Math.exp(-2), rate.rateAt(clock.nanoTime()), 1e-9, "so it is tried again soon");
  }

  @Test
  void theSmoothAverageIsGeometricSoAColdStartWeighsLittleAndIsForgottenWithinAHundredCalls() {
    LatencyEwma ewma = LatencyEwma.smooth(10_000 * MS);
    ewma.observe(1_000 * MS, clock.nanoTime()); // a cold first call
    for (int i = 0; i < 9; i++) {
      clock.advance(Duration.ofMillis(1));
      ewma.observe(2 * MS, clock.nanoTime());
    }
    assertEquals(2 * MS * Math.pow(500, 0.1), ewma.valueAt(clock.nanoTime()), 0.01 * MS, "the geometric mean of the ten");

    for (int i = 0; i < 300; i++) {
      clock.advance(Duration.ofMillis(1));
      ewma.observe(2 * MS, clock.nanoTime());
    }
    assertEquals(2 * MS, ewma.valueAt(clock.nanoTime()), 0.2 * MS, "forgotten after a few hundred calls, not after 10 s");
  }

  @Test
  void theSmoothAverageOfAnIdleReplicaDecaysWithinASecondSoItIsProbedAgain() {
    LatencyEwma ewma = LatencyEwma.smooth(10_000 * MS);
    ewma.observe(40 * MS, clock.nanoTime());

    clock.advance(Duration.ofSeconds(1));

    assertEquals(40 * MS * Math.exp(-1), ewma.valueAt(clock.nanoTime()), 0.01 * MS);
  }

  @Test
  void aReplicaAvoidedAfterAColdStartIsRestoredByItsFirstAnswerAfterASecondsIdle() {
    LatencyEwma ewma = LatencyEwma.smooth(10_000 * MS);
    for (long cold : new long[] {400, 200, 100, 60, 40}) { // a fresh JVM's first calls
      clock.advance(Duration.ofMillis(5));
      ewma.observe(cold * MS, clock.nanoTime());
    }
    clock.advance(Duration.ofSeconds(2)); // avoided meanwhile: priced out by that start

    ewma.observe(2 * MS, clock.nanoTime()); // the probe: it is healthy now

    // 1 - e^-2 = 86% of the weight: about 3.5 ms. Counted as one sample in six it would be 65 ms, and
    // one probe a second would keep the replica out for minutes.
    double coldMeanMs = Math.pow(400.0 * 200 * 100 * 60 * 40, 1.0 / 5);
    assertEquals(2 * MS * Math.pow(coldMeanMs / 2, Math.exp(-2)), ewma.valueAt(clock.nanoTime()), 0.01 * MS);
  }

  @Test
  void anErrorAfterAnIdleSpellCountsAsOneOutcomeAmongTheOthers() {
    DecayingRate rate = new DecayingRate(10_000 * MS);
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(2)); // a few calls a minute
      rate.record(i == 19, clock.nanoTime()); // the last one a business error
    }

    assertTrue(rate.rateAt(clock.nanoTime()) < 0.3, "rate " + rate.rateAt(clock.nanoTime()));
  }

  @Test
  void slowStartRampsLinearlyFromAFloorToFull() {
    SlowStart slowStart = new SlowStart(10_000);
    long started = clock.currentTimeMillis();

    assertEquals(SlowStart.MIN_WARMTH, slowStart.warmth(started, started));
    assertEquals(0.5, slowStart.warmth(started, started + 5_000), 1e-9);
    assertEquals(1.0, slowStart.warmth(started, started + 10_000));
    assertEquals(1.0, slowStart.warmth(started, started + 60_000));
    assertEquals(1.0, new SlowStart(0).warmth(started, started), "a window of 0 turns it off");
  }

  @Test
  void clusterInFlightMergesLocalSharedAndFreshSelfReports() {
    Replica replica = new Replica("s", "r1", "n1", 1, "", clock.currentTimeMillis(), null);
    ReplicaLoad load = new ReplicaLoad(replica, clock, new LoadSettings(10_000 * MS, 200 * MS, new SlowStart(0)), window("r1"));

    long first = clock.nanoTime();
    load.callStarted(first);
    load.callStarted(clock.nanoTime());
    load.setRemoteInFlight(5);
    assertEquals(7, load.clusterInFlight(), "2 of ours + 5 of the others");

    load.callEnded(first, Outcome.SUCCESS, 20, 1_000);
    assertEquals(20, load.clusterInFlight(), "the replica's own recent count wins when higher");

    clock.advance(Duration.ofMillis(199));
    load.expireReport(clock.nanoTime()); // the balancer's loop expires reports every share period
    assertEquals(20, load.clusterInFlight(), "still within its time to live");
    clock.advance(Duration.ofMillis(2));
    load.expireReport(clock.nanoTime());
    assertEquals(6, load.clusterInFlight(), "a self-report older than its time to live is dropped");
    assertEquals(1, load.localInFlight());
  }

  @Test
  void failuresCountInTheErrorRateAndFaultsInTheFaultRate() {
    Replica replica = new Replica("s", "r1", "n1", 1, "", clock.currentTimeMillis(), null);
    ReplicaLoad load = new ReplicaLoad(replica, clock, new LoadSettings(10_000 * MS, 200 * MS, new SlowStart(0)), window("r1"));
    Outcome[] outcomes = {Outcome.SUCCESS, Outcome.SUCCESS, Outcome.APPLICATION_ERROR, Outcome.FAULT};
    for (Outcome outcome : outcomes) {
      long started = clock.nanoTime();
      load.callStarted(started);
      clock.advance(Duration.ofMillis(2));
      load.callEnded(started, outcome, -1, -1);
    }

    ReplicaMetrics metrics = load.metrics("CLOSED");

    assertEquals(4, metrics.calls());
    assertEquals(0.5, metrics.errorRate());
    assertEquals(0.25, metrics.faultRate());
    assertEquals(2_000, metrics.p50Us(), 50);
    assertEquals(0, metrics.localInFlight());
    assertEquals(2, load.stats().succeeded());
    assertEquals(2, load.stats().failed());
  }

  @Test
  void theMetricsWindowForgetsCallsOlderThanItsSpan() {
    CallWindow window = window("w");
    window.record(1_000 * MS, true, true);
    clock.advance(Duration.ofSeconds(6));
    window.roll(); // the balancer rolls every window once a second
    window.record(MS, false, false);

    CallWindow.Figures recent = window.figures();
    assertEquals(2, recent.calls(), "both halves still count");
    assertEquals(1_000_000, recent.percentileMicros(0.99), 20_000);

    clock.advance(Duration.ofSeconds(6));
    CallWindow.Figures later = window.figures();
    assertEquals(1, later.calls(), "the older half rotated out");
    assertEquals(0.0, later.errorRate());
    assertEquals(1_000, later.percentileMicros(0.99), 20, "the slow call left the percentiles too");
  }

  @Test
  void aServicesFiguresCombineItsReplicasWindows() {
    CallWindow r1 = window("r1");
    CallWindow r2 = window("r2");
    r1.record(2 * MS, false, false);
    r2.record(4 * MS, true, false);
    r2.record(4 * MS, false, false);

    CallWindow.Figures service = CallWindow.combined(List.of(r1, r2), 0.5, 0.99);

    assertEquals(3, service.calls());
    assertEquals(1.0 / 3, service.errorRate(), 1e-9);
    assertEquals(10_000.0 / 3, service.meanMicros(), 1e-6);
    assertEquals(4_000, service.percentileMicros(0.99), 40);
    assertEquals(1, r1.figures().calls(), "reading the combination takes nothing from the replicas' windows");
  }

  private CallWindow window(String name) {
    return new CallWindow(clock, 10_000, 0.5, 0.99);
  }
}
