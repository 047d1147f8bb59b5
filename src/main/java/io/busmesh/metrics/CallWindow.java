package io.busmesh.metrics;

import io.busmesh.load.Clock;
import org.HdrHistogram.Histogram;

/**
 * Outcomes and latencies of recent calls: two half-windows that rotate, so figures cover between
 * one half and one whole window of the latest calls. Written only on the balancer's event loop.
 */
public final class CallWindow {

  /** Longer calls are recorded as this (60 s); keeps each histogram a few kilobytes. */
  private static final long MAX_TRACKED_MICROS = 60_000_000L;

  private final Clock clock;
  private final long halfNanos;
  private Half current = new Half();
  private Half previous = new Half();
  private long rotatedAtNanos;

  public CallWindow(Clock clock, long windowMillis) {
    this.clock = clock;
    this.halfNanos = Math.max(1, windowMillis) * 500_000L;
    this.rotatedAtNanos = clock.nanoTime();
  }

  /** @param fault the call failed in a way the mesh must handle (timeout, no handler, lost node), not with an application error */
  public void record(long latencyNanos, boolean failed, boolean fault) {
    rotateIfDue();
    current.calls++;
    if (failed) {
      current.failures++;
    }
    if (fault) {
      current.faults++;
    }
    current.latency().recordValue(Math.min(MAX_TRACKED_MICROS, Math.max(1, latencyNanos / 1_000)));
  }

  /** Adds this window's figures to {@code into}. */
  public void addTo(WindowFigures into) {
    rotateIfDue();
    for (Half half : new Half[] {previous, current}) {
      into.calls += half.calls;
      into.failures += half.failures;
      into.faults += half.faults;
      if (half.latencyMicros != null) {
        into.latencyMicros.add(half.latencyMicros);
      }
    }
  }

  private void rotateIfDue() {
    long now = clock.nanoTime();
    if (now - rotatedAtNanos >= 2 * halfNanos) {
      previous = new Half();
      current = new Half();
      rotatedAtNanos = now;
    } else if (now - rotatedAtNanos >= halfNanos) {
      previous = current;
      current = new Half();
      rotatedAtNanos = now;
    }
  }

  private static final class Half {
    long calls;
    long failures;
    long faults;
    Histogram latencyMicros; // created on the first call: idle replicas cost no histogram

    Histogram latency() {
      if (latencyMicros == null) {
        latencyMicros = newHistogram();
      }
      return latencyMicros;
    }
  }

  private static Histogram newHistogram() {
    return new Histogram(1, MAX_TRACKED_MICROS, 2);
  }

  /** Figures summed over windows (one replica's, or all of a service's). */
  public static final class WindowFigures {
    long calls;
    long failures;
    long faults;
    final Histogram latencyMicros = newHistogram();

    public long calls() {
      return calls;
    }

    public double errorRate() {
      return calls == 0 ? 0 : (double) failures / calls;
    }

    public double faultRate() {
      return calls == 0 ? 0 : (double) faults / calls;
    }

    public Histogram latencyMicros() {
      return latencyMicros;
    }
  }
}
