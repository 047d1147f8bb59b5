package io.busmesh.impl.balance;

import io.busmesh.MeshOptions;
import io.busmesh.Replica;
import io.busmesh.ServiceOptions;
import io.busmesh.impl.fault.AttemptFailure;
import io.busmesh.impl.fault.BreakerSettings;
import io.busmesh.impl.fault.ReplicaBreaker;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.load.LoadSettings;
import io.busmesh.impl.load.ReplicaLoad;
import io.busmesh.impl.load.SlowStart;
import io.busmesh.impl.metrics.CallWindow;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * This node's {@link ReplicaClient} of each replica it calls, made on first need with the service's
 * load settings, metrics window and circuit breaker, and kept a while after the replica leaves the
 * view, so that late readers of its statistics still find them. Changed on the balancer's loop;
 * read from any thread.
 */
final class ReplicaClients {

  /** Departed replicas whose statistics are kept for late readers before the oldest are dropped. */
  static final int DEPARTED_KEPT = 1_000;

  private final Vertx vertx;
  private final Context loop;
  private final MeshOptions options;
  private final Clock clock;
  private final BiConsumer<Replica, CircuitBreakerState> onBreakerChange;
  private final Consumer<Replica> onCreated;
  private final ReplyRelay relay;
  private final PendingAttempts pending;
  private final Map<String, ReplicaClient> byAddress = new ConcurrentHashMap<>();
  private final Set<String> departed = new LinkedHashSet<>();

  /**
   * @param loop            the balancer's loop, where breaker changes are reported
   * @param onBreakerChange told on {@code loop} of every breaker transition
   * @param onCreated       told of the replica of each client made
   */
  ReplicaClients(Vertx vertx, Context loop, MeshOptions options, Clock clock,
                 BiConsumer<Replica, CircuitBreakerState> onBreakerChange, Consumer<Replica> onCreated) {
    this.vertx = vertx;
    this.loop = loop;
    this.options = options;
    this.clock = clock;
    this.onBreakerChange = onBreakerChange;
    this.onCreated = onCreated;
    this.relay = ReplyRelay.of(vertx.eventBus());
    this.pending = new PendingAttempts(clock);
  }

  /** The client of {@code replica}, made now if this node has none. */
  ReplicaClient of(Replica replica) {
    ReplicaClient client = byAddress.get(replica.address());
    if (client == null) {
      client = create(replica);
      byAddress.put(replica.address(), client);
      departed.remove(replica.address());
      onCreated.accept(replica);
    }
    return client;
  }

  /** The client of the replica at {@code address}, or null. */
  ReplicaClient get(String address) {
    return byAddress.get(address);
  }

  Collection<ReplicaClient> all() {
    return byAddress.values();
  }

  /** Fails at once, each on its own loop, the attempts in flight to replicas of a node that left: no answer will come. */
  void nodeLeft(String nodeId) {
    pending.nodeLeft(nodeId);
  }

  /**
   * Takes note that a replica left the view; beyond {@value #DEPARTED_KEPT} departed ones, the oldest
   * that has not come back is forgotten (its meters released), and {@code forgotten} is told.
   */
  void departed(String address, Predicate<String> backInView, Consumer<String> forgotten) {
    departed.remove(address);
    departed.add(address);
    while (departed.size() > DEPARTED_KEPT) {
      String oldest = departed.iterator().next();
      departed.remove(oldest);
      if (!backInView.test(oldest)) {
        byAddress.remove(oldest);
        forgotten.accept(oldest);
      }
    }
  }

  private ReplicaClient create(Replica replica) {
    ServiceOptions service = options.forService(replica.service());
    LoadSettings settings = new LoadSettings(
        TimeUnit.MILLISECONDS.toNanos(service.getEwmaDecayMs()),
        options.isShareInFlight() ? TimeUnit.MILLISECONDS.toNanos(2 * options.getLoadSharePeriodMs()) : -1,
        new SlowStart(service.getSlowStartMs()));
    CallWindow window = new CallWindow(clock, options.getMetricsWindowMs(), MetricsReport.PERCENTILES);
    // Only faults count against the replica: not the service's own errors, nor refusals that never reached it.
    ReplicaBreaker breaker = ReplicaBreaker.create("busmesh:" + replica.address(), vertx,
        BreakerSettings.options(service.getBreaker()), cause -> AttemptFailure.of(cause).isFault(),
        state -> loop.runOnContext(v -> onBreakerChange.accept(replica, state)));
    return new ReplicaClient(vertx.eventBus(), relay, pending, new ReplicaLoad(replica, clock, settings, window), breaker);
  }
}
