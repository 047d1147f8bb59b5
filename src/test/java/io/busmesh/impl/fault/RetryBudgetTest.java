package io.busmesh.impl.fault;

import io.busmesh.test.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RetryBudgetTest {

  private final FakeClock clock = new FakeClock();

  private static int retriesGranted(RetryBudget budget, int calls) {
    int granted = 0;
    for (int i = 0; i < calls; i++) {
      budget.called();
      if (budget.tryRetry()) {
        granted++;
      }
    }
    return granted;
  }

  @Test
  void retriesAreCappedAtTheRatioOfCalls() {
    RetryBudget budget = new RetryBudget(clock, 0.2, 0, 10);

    assertEquals(200, retriesGranted(budget, 1_000));
    assertFalse(budget.tryRetry());
  }

  @Test
  void theFloorAllowsRetriesForAQuietService() {
    RetryBudget budget = new RetryBudget(clock, 0.2, 1, 10);

    assertEquals(10, countRetries(budget, 20), "1 per second over the 10 s window, without any call");
  }

  private static int countRetries(RetryBudget budget, int tries) {
    int granted = 0;
    for (int i = 0; i < tries; i++) {
      if (budget.tryRetry()) {
        granted++;
      }
    }
    return granted;
  }

  @Test
  void oldCallsAndRetriesLeaveTheWindow() {
    RetryBudget budget = new RetryBudget(clock, 0.2, 0, 10);
    retriesGranted(budget, 100);
    assertFalse(budget.tryRetry());

    clock.advance(Duration.ofSeconds(11));

    assertEquals(0, budget.windowCalls());
    assertEquals(0, budget.windowRetries());
    assertFalse(budget.tryRetry(), "no calls in the new window, no floor");
    assertEquals(20, retriesGranted(budget, 100));
  }

  @Test
  void otherNodesRetriesCountAgainstTheSharedBudget() {
    RetryBudget budget = new RetryBudget(clock, 0.2, 0, 10);
    budget.setOthers(1_000, 200);

    assertEquals(20, retriesGranted(budget, 100), "1100 calls allow 220 retries; the others took 200");
  }
}
