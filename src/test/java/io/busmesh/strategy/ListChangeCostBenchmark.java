package io.busmesh.strategy;

import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the cost of the first {@link Strategy#pick} after the candidate list changes, i.e. how long a
 * strategy holds the event loop to catch up with a change (what it caches per list is rebuilt or
 * updated then). {@code change}:
 * <ul>
 *   <li>{@code remove}: one replica of {@code replicas} leaves the list (it left the cluster, or its
 *       breaker opened);</li>
 *   <li>{@code add}: it comes back (or a new replica joins);</li>
 *   <li>{@code first}: a new strategy's first pick, which builds everything from scratch.</li>
 * </ul>
 * Each measured pick is preceded, unmeasured, by a pick on the list before the change. For strategies
 * that keep nothing per list, the figure is mostly JMH's per-invocation timing overhead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ListChangeCostBenchmark {

  @Param({"round-robin", "random", "weighted", "least-in-flight", "p2c", "peak-ewma", "adaptive", "consistent-hash"})
  public String strategy;

  @Param({"10000"})
  public int replicas;

  @Param({"remove", "add", "first"})
  public String change;

  private StrategyFactory factory;
  private JsonObject settings;
  private Strategy picker;
  private List<Candidate> before;
  private List<Candidate> after;
  private final CallInfo call = FakeCall.withArguments(new JsonObject().put("user", "user-1"));

  @Setup
  public void setUp() {
    List<Candidate> all = BenchReplicas.of(replicas, 42);
    List<Candidate> withoutOne = new ArrayList<>(all);
    withoutOne.remove(replicas / 2);
    before = change.equals("add") ? List.copyOf(withoutOne) : all;
    after = change.equals("remove") ? List.copyOf(withoutOne) : all;
    factory = StrategyFactory.named(strategy);
    settings = strategy.equals("consistent-hash") ? new JsonObject().put("hashKey", "arg:user") : new JsonObject();
    picker = factory.create(settings);
  }

  /** Brings the strategy to the list before the change (for {@code first}: a new strategy). */
  @Setup(Level.Invocation)
  public void beforeTheChange() {
    if (change.equals("first")) {
      picker = factory.create(settings);
    } else {
      picker.pick(before, call);
    }
  }

  @Benchmark
  public Candidate firstPickAfterTheChange() {
    return picker.pick(after, call);
  }

  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(args.length > 0 ? args : new String[] {ListChangeCostBenchmark.class.getSimpleName()});
  }
}
