package io.busmesh.strategy;

import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the cost of one {@link Strategy#pick} per strategy and number of replicas, i.e. what
 * balancing adds to the path of every call. Replicas are warm, with varied in-flight counts,
 * latencies and error rates; calls rotate over 1,024 distinct hash keys. The list stays the same, so
 * what a strategy builds per list is built before measuring; what the first pick after a change costs
 * is {@link ListChangeCostBenchmark}'s. Run with {@code bash bench/selection-cost.sh} (with the other
 * benchmark, about 8 minutes on 2 cores).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectionCostBenchmark {

  private static final int CALLS = 1_024; // a power of two, for the rotation mask

  @Param({"round-robin", "random", "weighted", "least-in-flight", "p2c", "peak-ewma", "adaptive", "consistent-hash"})
  public String strategy;

  @Param({"3", "100", "10000"})
  public int replicas;

  private Strategy picker;
  private List<Candidate> candidates;
  private final CallInfo[] calls = new CallInfo[CALLS];
  private int next;

  @Setup
  public void setUp() {
    candidates = BenchReplicas.of(replicas, 42);
    for (int i = 0; i < CALLS; i++) {
      calls[i] = FakeCall.withArguments(new JsonObject().put("user", "user-" + i).put("amount", i));
    }
    JsonObject settings = strategy.equals("consistent-hash") ? new JsonObject().put("hashKey", "arg:user") : new JsonObject();
    picker = StrategyFactory.named(strategy).create(settings);
    picker.pick(candidates, calls[0]); // builds what a strategy caches per candidate list (the hash ring)
  }

  @Benchmark
  public Candidate pick() {
    return picker.pick(candidates, calls[next++ & (CALLS - 1)]);
  }

  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(args.length > 0 ? args : new String[] {SelectionCostBenchmark.class.getSimpleName()});
  }
}
