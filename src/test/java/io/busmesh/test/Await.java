package io.busmesh.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that another thread or node makes true, failing with a message after a bound. */
public final class Await {

  private Await() {
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting until " + what);
      }
      Thread.sleep(10);
    }
  }
}
