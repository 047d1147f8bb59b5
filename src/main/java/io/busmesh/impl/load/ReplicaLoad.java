package io.busmesh.impl.load;

import io.busmesh.Replica;
import io.busmesh.ReplicaMetrics;
import io.busmesh.ReplicaStats;
import io.busmesh.impl.metrics.CallWindow;

/**
 * Everything this node knows about the load of one replica: its own calls in flight (counted +1
 * when sent, −1 when ended, whatever the ending), the other nodes' shared counts, the replica's own
 * count from its last reply, latency and error averages, and slow-start warmth. Written only on the
 * balancer's event loop; the counters behind {@link #stats()} are volatile so any thread can read them.
 */
public final class ReplicaLoad {

  /** How the call ended, for error and fault rates. */
  public enum Outcome { SUCCESS, APPLICATION_ERROR, FAULT }

  private static final long NEVER = Long.MIN_VALUE;

  private final Replica replica;
  private final Clock clock;
  private final LoadSettings settings;
  private final LatencyEwma latencyPeak;
  private final LatencyEwma latencySmooth;
  private final LatencyEwma serviceTime;
  private final DecayingRate errors;
  private final CallWindow window;
  private volatile long localInFlight;
  private volatile long succeeded;
  private volatile long failed;
  private volatile long lastSentNanos = NEVER;
  private long remoteInFlight;
  private long reportedInFlight;
  private long reportedAtNanos;
  private boolean reported;

  /** @param window this replica's window of recent attempts, tracking the 0.5 and 0.99 latency percentiles */
  public ReplicaLoad(Replica replica, Clock clock, LoadSettings settings, CallWindow window) {
    this.replica = replica;
    this.clock = clock;
    this.settings = settings;
    this.latencyPeak = LatencyEwma.peak(settings.ewmaDecayNanos());
    this.latencySmooth = LatencyEwma.smooth(settings.ewmaDecayNanos());
    this.serviceTime = LatencyEwma.smooth(settings.ewmaDecayNanos());
    this.errors = new DecayingRate(settings.ewmaDecayNanos());
    this.window = window;
  }

  public Replica replica() {
    return replica;
  }

  /** Counts a call sent; returns its start time for {@link #callEnded}. */
  public long callStarted() {
    localInFlight++;
    long now = clock.nanoTime();
    lastSentNanos = now;
    return now;
  }

  /**
   * Counts a call ended.
   *
   * @param serverInFlight the replica's own in-flight count from its reply, or negative if none came
   * @param serviceNanos   the replica's own service time from its reply, or negative if none came
   */
  public void callEnded(long startedNanos, Outcome outcome, long serverInFlight, long serviceNanos) {
    long now = clock.nanoTime();
    long elapsed = now - startedNanos;
    localInFlight--;
    if (outcome == Outcome.SUCCESS) {
      succeeded++;
      latencyPeak.observe(elapsed, now);
      latencySmooth.observe(elapsed, now);
    } else {
      failed++;
    }
    errors.record(outcome != Outcome.SUCCESS, now);
    window.record(elapsed, outcome != Outcome.SUCCESS, outcome == Outcome.FAULT);
    if (serverInFlight >= 0) {
      reportedInFlight = serverInFlight;
      reportedAtNanos = now;
      reported = true;
    }
    if (serviceNanos >= 0) {
      serviceTime.observe(serviceNanos, now);
    }
  }

  /** The other nodes' calls in flight to this replica, from the shared view. */
  public void setRemoteInFlight(long count) {
    remoteInFlight = count;
  }

  public long localInFlight() {
    return localInFlight;
  }

  /**
   * Cluster-wide calls in flight: this node's live count plus the others' shared counts, or the
   * replica's own count from a recent reply when that is higher (it already includes every caller).
   */
  public double clusterInFlight() {
    long shared = localInFlight + remoteInFlight;
    if (reported && settings.reportTtlNanos() >= 0 && clock.nanoTime() - reportedAtNanos <= settings.reportTtlNanos()) {
      return Math.max(shared, reportedInFlight);
    }
    return shared;
  }

  public double latencyEwmaNanos() {
    return latencyPeak.valueAt(clock.nanoTime());
  }

  public double latencyAverageNanos() {
    return latencySmooth.valueAt(clock.nanoTime());
  }

  public double errorRate() {
    return errors.rate();
  }

  public double warmth() {
    return settings.slowStart().warmth(replica.startedAt(), clock.currentTimeMillis());
  }

  public ReplicaStats stats() {
    long sentNanos = lastSentNanos;
    long lastSentAt = sentNanos == NEVER ? 0 : clock.currentTimeMillis() - (clock.nanoTime() - sentNanos) / 1_000_000;
    return new ReplicaStats(replica.address(), localInFlight, succeeded, failed, lastSentAt);
  }

  /** This replica's metrics over the recent window. */
  public ReplicaMetrics metrics(String breakerState) {
    CallWindow.Figures own = window.figures();
    return new ReplicaMetrics(replica.address(), clusterInFlight(), localInFlight, latencyEwmaNanos() / 1_000,
        serviceTime.valueAt(clock.nanoTime()) / 1_000, own.calls(), own.meanMicros(), own.percentileMicros(0.5),
        own.percentileMicros(0.99), own.errorRate(), own.faultRate(), warmth(), breakerState);
  }

  /** Releases the window's meter once the replica is forgotten. */
  public void close() {
    window.close();
  }
}
