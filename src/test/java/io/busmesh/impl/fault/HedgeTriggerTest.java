package io.busmesh.impl.fault;

import io.busmesh.test.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HedgeTriggerTest {

  private static final long MS = 1_000_000L;
  private final FakeClock clock = new FakeClock();

  @Test
  void noBackupUntilTheWindowKnowsThePercentile() {
    HedgeTrigger trigger = new HedgeTrigger(clock, 95, 10_000);
    for (int i = 0; i < HedgeTrigger.MIN_CALLS - 1; i++) {
      trigger.record(MS);
    }
    assertTrue(trigger.delayNanos() < 0);
  }

  @Test
  void theTriggerArmsAsSoonAsTheWindowHasEnoughCalls() {
    HedgeTrigger trigger = new HedgeTrigger(clock, 95, 10_000);
    assertTrue(trigger.delayNanos() < 0);
    for (int i = 0; i < HedgeTrigger.MIN_CALLS; i++) {
      trigger.record(MS);
    }
    assertEquals(MS, trigger.delayNanos(), 0.05 * MS, "no refresh period to wait out");
  }

  @Test
  void theDelayIsTheChosenPercentileOfRecentLatency() {
    HedgeTrigger trigger = new HedgeTrigger(clock, 95, 10_000);
    for (int i = 0; i < 950; i++) {
      trigger.record(2 * MS);
    }
    for (int i = 0; i < 50; i++) {
      trigger.record(40 * MS);
    }
    assertEquals(2 * MS, trigger.delayNanos(), 0.05 * MS, "p95 of 95% at 2 ms and 5% at 40 ms");
  }

  @Test
  void theDelayFollowsTheWindowAndIsRecomputedAtMostEveryRefresh() {
    HedgeTrigger trigger = new HedgeTrigger(clock, 50, 10_000);
    for (int i = 0; i < 200; i++) {
      trigger.record(2 * MS);
    }
    assertEquals(2 * MS, trigger.delayNanos(), 0.05 * MS);

    for (int i = 0; i < 1_000; i++) {
      trigger.record(10 * MS);
    }
    assertEquals(2 * MS, trigger.delayNanos(), 0.05 * MS, "cached until the refresh interval passes");
    clock.advance(Duration.ofMillis(100));
    assertEquals(10 * MS, trigger.delayNanos(), 0.1 * MS);

    clock.advance(Duration.ofSeconds(11));
    assertTrue(trigger.delayNanos() < 0, "old latencies left the window");
  }
}
