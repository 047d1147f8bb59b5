package io.busmesh.impl.load;

import io.busmesh.Replica;
import io.busmesh.ReplicaMetrics;
import io.busmesh.ReplicaStats;
import io.busmesh.impl.metrics.CallWindow;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything this node knows about the load of one replica: its own calls in flight (counted +1
 * when sent, −1 when ended, whatever the ending), the other nodes' shared counts, the replica's own
 * count from its last reply, latency and error averages, and slow-start warmth. Calls start and end
 * on the event loops of their callers, so every figure is safe to update and read from any thread
 * without a lock: counts are atomic, averages skip a sample rather than wait (see {@link DecayingAverage}).
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
  private final AtomicLong localInFlight = new AtomicLong();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private volatile long lastSentNanos = NEVER;
  private volatile long remoteInFlight;
  // What strategies read at every pick, without a clock or an exp(): set as a call ends, decayed by refresh().
  private volatile double latencyPeakNow;
  private volatile double latencyAverageNow;
  private volatile double errorRateNow;
  /**
   * The replica's own count from a recent reply, or -1 when there is none fresher than its time to
   * live (see {@link #expireReport}), and when it came; a torn pair only mistimes one report.
   */
  private volatile long reportedInFlight = -1;
  private volatile long reportedAtNanos;

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

  /** Counts a call sent at {@code nowNanos} (the caller's reading of the clock, so as not to read it twice). */
  public void callStarted(long nowNanos) {
    localInFlight.incrementAndGet();
    lastSentNanos = nowNanos;
  }

  /** Counts a fire-and-forget call sent: over at once, with no latency or outcome to learn from. */
  public void oneWaySent() {
    lastSentNanos = clock.nanoTime();
    succeeded.increment();
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
    localInFlight.decrementAndGet();
    if (outcome == Outcome.SUCCESS) {
      succeeded.increment();
      latencyPeak.observe(elapsed, now);
      latencySmooth.observe(elapsed, now);
    } else {
      failed.increment();
    }
    errors.record(outcome != Outcome.SUCCESS, now);
    window.record(elapsed, outcome != Outcome.SUCCESS, outcome == Outcome.FAULT);
    if (serverInFlight >= 0 && settings.reportTtlNanos() >= 0) {
      reportedAtNanos = now;
      reportedInFlight = serverInFlight;
    }
    if (serviceNanos >= 0) {
      serviceTime.observe(serviceNanos, now);
    }
    refresh(now);
  }

  /**
   * Brings the figures strategies read up to {@code nowNanos}: the averages decay while no call ends,
   * so that an idle replica is tried again. Called as each call ends, and by the balancer's loop every second.
   */
  public void refresh(long nowNanos) {
    latencyPeakNow = latencyPeak.valueAt(nowNanos);
    latencyAverageNow = latencySmooth.valueAt(nowNanos);
    errorRateNow = errors.rateAt(nowNanos);
  }

  /** The other nodes' calls in flight to this replica, from the shared view. */
  public void setRemoteInFlight(long count) {
    remoteInFlight = count;
  }

  public long localInFlight() {
    return localInFlight.get();
  }

  /**
   * Cluster-wide calls in flight: this node's live count plus the others' shared counts, or the
   * replica's own count from a recent reply when that is higher (it already includes every caller).
   * Read on every pick, so it reads no clock: stale reports are dropped by {@link #expireReport}.
   */
  public double clusterInFlight() {
    long shared = localInFlight.get() + remoteInFlight;
    long reported = reportedInFlight;
    return reported > shared ? reported : shared;
  }

  /** Whether an answer since {@code sinceNanos} carried the replica's own in-flight count (and it is still trusted). */
  public boolean reportedSince(long sinceNanos) {
    return reportedInFlight >= 0 && reportedAtNanos - sinceNanos >= 0;
  }

  /** Drops the replica's own count if it is older than its time to live; the balancer's loop does it every share period. */
  public void expireReport(long nowNanos) {
    if (reportedInFlight >= 0 && nowNanos - reportedAtNanos > settings.reportTtlNanos()) {
      reportedInFlight = -1;
    }
  }

  /** The peak-sensitive latency average, as of the last call that ended or the last {@link #refresh}. */
  public double latencyEwmaNanos() {
    return latencyPeakNow;
  }

  /** The smooth (geometric) latency average, as of the last call that ended or the last {@link #refresh}. */
  public double latencyAverageNanos() {
    return latencyAverageNow;
  }

  /** The recent share of failed calls, as of the last call that ended or the last {@link #refresh}. */
  public double errorRate() {
    return errorRateNow;
  }

  public double warmth() {
    SlowStart slowStart = settings.slowStart();
    return slowStart.isOn() ? slowStart.warmth(replica.startedAt(), clock.currentTimeMillis()) : 1.0;
  }

  public ReplicaStats stats() {
    long sentNanos = lastSentNanos;
    long lastSentAt = sentNanos == NEVER ? 0 : clock.currentTimeMillis() - (clock.nanoTime() - sentNanos) / 1_000_000;
    return new ReplicaStats(replica.address(), localInFlight.get(), succeeded.sum(), failed.sum(), lastSentAt);
  }

  /** This replica's metrics over the recent window. */
  public ReplicaMetrics metrics(String breakerState) {
    CallWindow.Figures own = window.figures();
    return new ReplicaMetrics(replica.address(), clusterInFlight(), localInFlight.get(), latencyEwmaNanos() / 1_000,
        serviceTime.valueAt(clock.nanoTime()) / 1_000, own.calls(), own.meanMicros(), own.percentileMicros(0.5),
        own.percentileMicros(0.99), own.errorRate(), own.faultRate(), warmth(), breakerState);
  }

  /** This replica's window of recent attempts, of which a service's figures are combined. */
  public CallWindow window() {
    return window;
  }
}
