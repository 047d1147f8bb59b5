package io.busmesh.impl.metrics;

import io.busmesh.impl.load.Clock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Outcomes and latencies of recent attempts, over a window made of two halves that rotate, so that
 * figures cover between one half and one whole window. Recording is the cost every attempt pays, so
 * it is a few adder increments and one HdrHistogram {@link Recorder} record: wait-free, no clock
 * read, no lock, on any event loop. Reading ({@link #figures()}) rotates the halves by the clock and
 * drains the recorder; it is done off the path of calls and synchronized. Someone must {@link #roll}
 * the window at least once a second (the balancer's timer does), so that what is recorded falls in
 * the half it was recorded in. A service's figures are its replicas' windows {@link #combined combined}.
 */
public final class CallWindow {

  /** Latencies are kept in µs with 2 significant digits, in histograms that grow with the range seen (~10 KB each). */
  private static final int SIGNIFICANT_DIGITS = 2;

  private final Clock clock;
  private final long halfNanos;
  private final double[] percentiles;
  private final Recorder latencyMicros = new Recorder(SIGNIFICANT_DIGITS);
  private volatile Half current = new Half();
  private Half previous = new Half(); // read and written under this window's lock
  private long rotatedAtNanos;
  private Histogram interval; // recycled by the recorder
  /** What halves held when they were dropped, so that {@link #totals()} only grows; under the lock. */
  private long retiredCalls;
  private long retiredFailures;
  private long retiredFaults;

  /** @param percentiles the latency percentiles {@link #figures()} reports, in (0, 1) */
  public CallWindow(Clock clock, long windowMillis, double... percentiles) {
    this.clock = clock;
    this.halfNanos = Math.max(1, windowMillis) * 500_000L;
    this.rotatedAtNanos = clock.nanoTime();
    this.percentiles = percentiles.clone();
  }

  /** @param fault the attempt failed in a way the mesh must handle (timeout, no handler, lost node), not with an application error */
  public void record(long latencyNanos, boolean failed, boolean fault) {
    Half half = current;
    half.calls.increment();
    half.latencyNanos.add(latencyNanos);
    if (failed) {
      half.failures.increment();
    }
    if (fault) {
      half.faults.increment();
    }
    latencyMicros.recordValue(Math.max(0, latencyNanos / 1_000));
  }

  /** Moves the halves on if one has passed; off the path of calls, at least once a second. */
  public synchronized void roll() {
    rotateIfDue();
  }

  /** Everything recorded since the window was made (monotonic, for counters); off the path of calls. */
  public synchronized Totals totals() {
    long calls = retiredCalls + previous.calls.sum() + current.calls.sum();
    long failures = retiredFailures + previous.failures.sum() + current.failures.sum();
    long faults = retiredFaults + previous.faults.sum() + current.faults.sum();
    return new Totals(calls, failures, faults);
  }

  /** The window's figures now. */
  public Figures figures() {
    return combined(List.of(this), percentiles);
  }

  /** The figures of several windows taken as one (a service's, from its replicas'), at {@code percentiles}. */
  public static Figures combined(Collection<CallWindow> windows, double... percentiles) {
    Histogram all = new Histogram(SIGNIFICANT_DIGITS);
    long calls = 0;
    long failures = 0;
    long faults = 0;
    long latencyNanos = 0;
    for (CallWindow window : windows) {
      synchronized (window) {
        window.rotateIfDue();
        for (Half half : new Half[] {window.previous, window.current}) {
          calls += half.calls.sum();
          failures += half.failures.sum();
          faults += half.faults.sum();
          latencyNanos += half.latencyNanos.sum();
          all.add(half.histogram);
        }
      }
    }
    double[] percentileMicros = new double[percentiles.length];
    for (int i = 0; i < percentiles.length; i++) {
      percentileMicros[i] = all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(percentiles[i] * 100);
    }
    return new Figures(calls, failures, faults, calls == 0 ? 0 : latencyNanos / 1_000.0 / calls, percentiles.clone(),
        percentileMicros);
  }

  /** Moves what was recorded into the current half, and the halves on if one has passed; under the lock. */
  private void rotateIfDue() {
    interval = latencyMicros.getIntervalHistogram(interval);
    current.histogram.add(interval);
    long elapsed = clock.nanoTime() - rotatedAtNanos;
    if (elapsed >= 2 * halfNanos) {
      retire(previous);
      retire(current);
      previous = new Half();
      current = new Half();
      rotatedAtNanos += elapsed;
    } else if (elapsed >= halfNanos) {
      retire(previous);
      previous = current;
      current = new Half();
      rotatedAtNanos += elapsed;
    }
  }

  private void retire(Half half) {
    retiredCalls += half.calls.sum();
    retiredFailures += half.failures.sum();
    retiredFaults += half.faults.sum();
  }

  /**
   * Attempts recorded since a window was made.
   *
   * @param failures attempts that failed, any way (faults included)
   * @param faults   attempts that failed in a way the mesh must handle (timeout, no handler, lost node)
   */
  public record Totals(long calls, long failures, long faults) {

    /** Answered without error. */
    public long succeeded() {
      return calls - failures;
    }

    /** Failed with an error of the service itself (an application error), not a fault. */
    public long applicationErrors() {
      return failures - faults;
    }
  }

  private static final class Half {
    final LongAdder calls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder faults = new LongAdder();
    final LongAdder latencyNanos = new LongAdder();
    final Histogram histogram = new Histogram(SIGNIFICANT_DIGITS);
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
