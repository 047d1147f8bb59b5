package io.busmesh.test;

import io.busmesh.impl.load.Clock;

import java.time.Duration;

/** A clock that moves only when a test says so. */
public final class FakeClock implements Clock {

  private long nanos = 1_000_000_000L;
  private long millis = 1_700_000_000_000L;

  public void advance(Duration step) {
    nanos += step.toNanos();
    millis += step.toMillis();
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long currentTimeMillis() {
    return millis;
  }
}
