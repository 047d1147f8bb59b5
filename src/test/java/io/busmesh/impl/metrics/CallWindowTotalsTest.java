package io.busmesh.impl.metrics;

import io.busmesh.test.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The totals behind the Prometheus counters: everything ever recorded, whatever the window forgot. */
class CallWindowTotalsTest {

  private final FakeClock clock = new FakeClock();
  private final CallWindow window = new CallWindow(clock, 10_000, 0.5);

  @Test
  void totalsKeepWhatTheWindowDropsAsItsHalvesRotate() {
    window.record(1_000, false, false);
    window.record(1_000, true, false);
    clock.advance(Duration.ofSeconds(6)); // one half on
    window.roll();
    window.record(1_000, true, true);
    clock.advance(Duration.ofSeconds(30)); // both halves dropped
    window.roll();

    assertEquals(0, window.figures().calls(), "the window forgot them");
    CallWindow.Totals totals = window.totals();
    assertEquals(3, totals.calls());
    assertEquals(1, totals.succeeded());
    assertEquals(1, totals.applicationErrors());
    assertEquals(1, totals.faults());
  }

  @Test
  void totalsCountWhatIsStillInTheWindow() {
    for (int i = 0; i < 5; i++) {
      window.record(1_000, false, false);
    }
    clock.advance(Duration.ofSeconds(6));
    window.roll();
    window.record(1_000, false, false);

    assertEquals(6, window.totals().calls());
    assertEquals(6, window.figures().calls());
  }
}
