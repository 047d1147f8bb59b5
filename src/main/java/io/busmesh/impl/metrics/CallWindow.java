package io.busmesh.impl.metrics;

import io.busmesh.impl.load.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Outcomes and latencies of recent attempts. Counts live in two half-windows that rotate, so figures
 * cover between one half and one whole window; latency percentiles come from a Micrometer timer
 * whose time-window histogram rotates over the same span. A window may feed a parent (a replica's
 * feeds its service's). Recorded from the event loops of the calls' callers: counts are adders, and
 * the halves rotate under a flag that a thread finding it taken simply skips (the other rotates).
 */
public final class CallWindow implements AutoCloseable {

  private final MeterRegistry registry;
  private final Timer latency;
  private final double[] percentiles;
  private final CallWindow parent;
  private final Clock clock;
  private final long halfNanos;
  private volatile Half current = new Half();
  private volatile Half previous = new Half();
  private volatile long rotatedAtNanos;
  private final AtomicBoolean rotating = new AtomicBoolean();

  /**
   * @param timer       name and tags of the window's timer, unique in {@code registry}; the window sets its distribution
   * @param parent      a window that also records everything this one records, or null
   * @param percentiles the latency percentiles {@link #figures()} reports, in (0, 1)
   */
  public CallWindow(MeterRegistry registry, Clock clock, long windowMillis, Timer.Builder timer, CallWindow parent,
                    double... percentiles) {
    this.registry = registry;
    this.clock = clock;
    this.parent = parent;
    this.halfNanos = Math.max(1, windowMillis) * 500_000L;
    this.rotatedAtNanos = clock.nanoTime();
    this.percentiles = percentiles.clone();
    this.latency = timer
        .publishPercentiles(percentiles)
        .percentilePrecision(2)
        .distributionStatisticExpiry(Duration.ofMillis(Math.max(2, windowMillis)))
        .distributionStatisticBufferLength(2)
        .register(registry);
  }

  /** A registry whose timers follow {@code clock}, so that tests can drive the windows by hand. */
  public static MeterRegistry registry(Clock clock) {
    return new SimpleMeterRegistry(SimpleConfig.DEFAULT, new io.micrometer.core.instrument.Clock() {
      @Override
      public long wallTime() {
        return clock.currentTimeMillis();
      }

      @Override
      public long monotonicTime() {
        return clock.nanoTime();
      }
    });
  }

  /** @param fault the attempt failed in a way the mesh must handle (timeout, no handler, lost node), not with an application error */
  public void record(long latencyNanos, boolean failed, boolean fault) {
    rotateIfDue();
    Half half = current;
    half.calls.increment();
    half.latencyNanos.add(latencyNanos);
    if (failed) {
      half.failures.increment();
    }
    if (fault) {
      half.faults.increment();
    }
    latency.record(Math.max(0, latencyNanos), TimeUnit.NANOSECONDS);
    if (parent != null) {
      parent.record(latencyNanos, failed, fault);
    }
  }

  /** The window's figures now. */
  public Figures figures() {
    rotateIfDue();
    Half older = previous;
    Half newer = current;
    long calls = older.calls.sum() + newer.calls.sum();
    long failures = older.failures.sum() + newer.failures.sum();
    long faults = older.faults.sum() + newer.faults.sum();
    double meanMicros = calls == 0 ? 0 : (older.latencyNanos.sum() + newer.latencyNanos.sum()) / 1_000.0 / calls;
    ValueAtPercentile[] values = latency.takeSnapshot().percentileValues();
    double[] percentileMicros = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      percentileMicros[i] = calls == 0 ? 0 : values[i].value(TimeUnit.MICROSECONDS);
    }
    return new Figures(calls, failures, faults, meanMicros, percentiles, percentileMicros);
  }

  /** Removes the window's timer from its registry. */
  @Override
  public void close() {
    registry.remove(latency);
  }

  private void rotateIfDue() {
    long now = clock.nanoTime();
    if (now - rotatedAtNanos < halfNanos || !rotating.compareAndSet(false, true)) {
      return;
    }
    try {
      long elapsed = now - rotatedAtNanos;
      if (elapsed >= 2 * halfNanos) {
        previous = new Half();
        current = new Half();
        rotatedAtNanos = now;
      } else if (elapsed >= halfNanos) {
        previous = current;
        current = new Half();
        rotatedAtNanos = now;
      }
    } finally {
      rotating.set(false);
    }
  }

  private static final class Half {
    final LongAdder calls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder faults = new LongAdder();
    final LongAdder latencyNanos = new LongAdder();
  }

  /**
   * A window's figures.
   *
   * @param percentiles      the latency percentiles asked for at construction
   * @param percentileMicros their values, in the same order, µs
   */
  public record Figures(long calls, long failures, long faults, double meanMicros, double[] percentiles,
                        double[] percentileMicros) {

    public double errorRate() {
      return calls == 0 ? 0 : (double) failures / calls;
    }

    public double faultRate() {
      return calls == 0 ? 0 : (double) faults / calls;
    }

    /** The latency at {@code percentile} (one asked for at construction, e.g. 0.99), µs. */
    public double percentileMicros(double percentile) {
      for (int i = 0; i < percentiles.length; i++) {
        if (percentiles[i] == percentile) {
          return percentileMicros[i];
        }
      }
      throw new IllegalArgumentException("percentile " + percentile + " is not tracked by this window");
    }
  }
}
