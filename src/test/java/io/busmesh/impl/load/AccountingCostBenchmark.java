package io.busmesh.impl.load;

import io.busmesh.Replica;
import io.busmesh.impl.metrics.CallWindow;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH: what a replica's accounting adds to every call on the caller's loop, {@link ReplicaLoad#callStarted}
 * and {@link ReplicaLoad#callEnded} of one successful call (in-flight count, latency and error averages,
 * the metrics window), with the system clock, on one thread. Run with
 * {@code bash bench/selection-cost.sh AccountingCostBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccountingCostBenchmark {

  private ReplicaLoad load;

  @Setup
  public void setUp() {
    Replica replica = new Replica("bench", "bench.r1", "node-1", 1, "", System.currentTimeMillis(), null);
    load = new ReplicaLoad(replica, Clock.SYSTEM, new LoadSettings(TimeUnit.SECONDS.toNanos(10),
        TimeUnit.MILLISECONDS.toNanos(200), new SlowStart(0)), new CallWindow(Clock.SYSTEM, 10_000, 0.5, 0.99));
  }

  @Benchmark
  public double call() {
    long started = System.nanoTime();
    load.callStarted(started);
    load.callEnded(started, ReplicaLoad.Outcome.SUCCESS, -1, -1);
    return load.latencyEwmaNanos();
  }
}
