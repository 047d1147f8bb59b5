package io.busmesh.test;

import io.busmesh.impl.load.Clock;

import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when a test says so. */
public final class FakeClock implements Clock {

  private long nanos = 1_000_000_000L;
  private long millis = 1_700_000_000_000L;

  public void advance(Duration step) {
    nanos += step.toNanos();
    millis += step.toMillis();
  }

  /** Sets the wall-clock time, e.g. to check certificates made now against a date past their expiry. */
  public FakeClock setWallClock(Instant instant) {
    millis = instant.toEpochMilli();
    return this;
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
