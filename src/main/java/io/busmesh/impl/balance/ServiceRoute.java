package io.busmesh.impl.balance;

import io.busmesh.FaultMode;
import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.ServiceOptions;
import io.busmesh.impl.fault.HedgeTrigger;
import io.busmesh.impl.fault.OutlierDetector;
import io.busmesh.impl.fault.RetryBudget;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.log.RateLimitedLog;
import io.busmesh.impl.metrics.CallWindow;
import io.busmesh.strategy.Strategy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The path of calls to one service on this node: the generated proxy sends to the service name,
 * this local consumer hands each call to a {@link RoutedCall}, which picks replicas with the
 * service's strategy and relays the answer (result, {@code ServiceException}, timeout) unchanged.
 * Runs on the balancer's event loop, which is also the only place its strategy is swapped.
 */
final class ServiceRoute implements Handler<Message<Object>> {

  private static final Logger log = LoggerFactory.getLogger(ServiceRoute.class);
  /** Retry budget window (Finagle's default TTL). */
  private static final int BUDGET_WINDOW_SECONDS = 10;
  /** Span of the latencies the hedging percentile is taken from. */
  private static final long HEDGE_WINDOW_MS = 10_000;
  /** At most one line per this period about refused calls, however many arrive. */
  private static final long REFUSAL_LOG_PERIOD_MS = 10_000;

  private final String service;
  private final ServiceOptions options;
  private final Supplier<List<ReplicaClient>> registered;
  private final Supplier<List<ReplicaClient>> available;
  private final BooleanSupplier panicking;
  private final Clock clock;
  private final RetryBudget budget;
  private final RetryBudget hedgeBudget;
  // Made on the first call (see activate): a service this node never calls costs no meters.
  private HedgeTrigger hedgeTrigger; // null unless the fault mode is hedged
  private CallWindow window;
  private final MeterRegistry meters;
  private final long metricsWindowMs;
  private final LongAdder hedgesSent = new LongAdder();
  private final Vertx vertx;
  private final OutlierDetector outliers; // null when ejection is off
  private Set<String> ejected = Set.of();
  /** Methods that every replica of the service declares {@code @Idempotent}. */
  private Set<String> declaredIdempotent = Set.of();
  /** Node ids of plain consumers registered on the service name, one per consumer. */
  private List<String> foreignConsumers = List.of();
  private Strategy strategy;
  private String strategyName;
  /** Calls taken and not ended yet; only touched on the balancer's loop. */
  private int inFlight;
  private final RateLimitedLog refused;
  private MessageConsumer<Object> consumer;
  /** Set by the first call: only then does the node keep per-replica state (breakers, load, metrics) for the service. */
  private boolean active;
  private final Runnable onFirstCall;

  /**
   * @param registered the service's replicas in this node's view
   * @param available  those of them that may take calls (breaker not open), the same list instance until either changes
   * @param panicking  true while no replica has a closed breaker, {@code available} holds them all and refusing breakers are bypassed
   * @param onFirstCall run on the first call (before it is routed), to build the per-replica state of a service that had none
   */
  ServiceRoute(Vertx vertx, String service, ServiceOptions options, Supplier<List<ReplicaClient>> registered,
               Supplier<List<ReplicaClient>> available, BooleanSupplier panicking, Clock clock, MeterRegistry meters,
               long metricsWindowMs, Runnable onFirstCall) {
    this.vertx = vertx;
    this.onFirstCall = onFirstCall;
    this.service = service;
    this.options = options;
    this.registered = registered;
    this.available = available;
    this.panicking = panicking;
    this.clock = clock;
    this.budget = new RetryBudget(clock, options.getRetryBudgetRatio(), options.getRetryBudgetMinPerSecond(),
        BUDGET_WINDOW_SECONDS);
    this.hedgeBudget = new RetryBudget(clock, options.getHedgeBudgetRatio(), 0, BUDGET_WINDOW_SECONDS);
    this.meters = meters;
    this.metricsWindowMs = metricsWindowMs;
    this.refused = new RateLimitedLog(log, clock, REFUSAL_LOG_PERIOD_MS);
    this.outliers = options.getOutlierEjection() == null ? null : OutlierDetector.fromSettings(clock, options.getOutlierEjection());
    useStrategy(options.getStrategy(), options.getStrategyFactory().create(options.getStrategyOptions()));
  }

  /** Takes the calls this node's proxies send to the service name (a local consumer: each node balances its own calls). */
  void listen() {
    consumer = vertx.eventBus().localConsumer(service, this);
  }

  /** Stops taking calls and removes its meters; for a service that left the view long ago. */
  void close() {
    if (consumer != null) {
      consumer.unregister();
    }
    if (window != null) {
      window.close();
    }
    if (hedgeTrigger != null) {
      hedgeTrigger.close();
    }
  }

  /** Switches strategy; the next call uses it. */
  void useStrategy(String name, Strategy next) {
    this.strategyName = name;
    this.strategy = next;
  }

  @Override
  public void handle(Message<Object> call) {
    String problem = CallCheck.problem(call);
    if (problem != null) {
      refused.warn("Refused malformed call(s) to service '" + service + "' on this node: " + problem);
      call.fail(MeshProtocol.MALFORMED_CALL, "Malformed call to service '" + service + "': " + problem
          + ". Call it through the generated proxy of its @ProxyGen interface. Nothing ran.");
      return;
    }
    if (inFlight >= options.getMaxInFlight()) {
      refused.warn("Refused call(s) to service '" + service + "': this node already has " + inFlight
          + " calls in flight to it (maxInFlight)");
      call.fail(MeshProtocol.OVERLOADED, "Call to service '" + service + "' refused: this node already has "
          + inFlight + " calls in flight to it, its limit (maxInFlight " + options.getMaxInFlight() + "). The replicas"
          + " are not keeping up or calls are not being answered; slow down, or raise maxInFlight if memory allows."
          + " Nothing ran.");
      return;
    }
    activate();
    inFlight++;
    if (options.getFaultMode() == FaultMode.HEDGED) {
      hedgeBudget.called();
    }
    new RoutedCall(this, call, clock).start();
  }

  /** A call handed to {@link RoutedCall} has ended (answered or failed). */
  void callEnded() {
    inFlight--;
  }

  /** True once this node has called the service (or was told to, see {@link #activate()}). */
  boolean isActive() {
    return active;
  }

  /** Keeps per-replica state from now on (at once for services named in this node's options, else on the first call). */
  void activate() {
    if (active) {
      return;
    }
    active = true;
    hedgeTrigger = options.getFaultMode() != FaultMode.HEDGED ? null
        : new HedgeTrigger(clock, meters, service, options.getHedgePercentile(), HEDGE_WINDOW_MS);
    window = new CallWindow(meters, clock, metricsWindowMs,
        Timer.builder("busmesh.attempt.latency").tag("service", service).tag("replica", "*"), null, 0.5, 0.99);
    onFirstCall.run();
  }

  /** Calls of this node to the service that have not ended yet. */
  int inFlight() {
    return inFlight;
  }

  String service() {
    return service;
  }

  ServiceOptions options() {
    return options;
  }

  Strategy strategy() {
    return strategy;
  }

  String strategyName() {
    return strategyName;
  }

  RetryBudget budget() {
    return budget;
  }

  /** Backup requests, capped at {@code hedgeBudgetRatio} of calls. */
  RetryBudget hedgeBudget() {
    return hedgeBudget;
  }

  /** Null unless the service is in hedged mode. */
  HedgeTrigger hedgeTrigger() {
    return hedgeTrigger;
  }

  /** Attempts on every replica of the service over the recent metrics window; null until {@link #activate()}. */
  CallWindow window() {
    return window;
  }

  /** Backup requests sent so far on this node. */
  LongAdder hedgesSent() {
    return hedgesSent;
  }

  Vertx vertx() {
    return vertx;
  }

  /** A method that may run twice: declared idempotent by every replica in the view, or listed in this node's options. */
  boolean isIdempotent(String method) {
    return method != null && (declaredIdempotent.contains(method) || options.getIdempotentMethods().contains(method));
  }

  /**
   * Takes note of what the service's replicas, as the view now holds them, declare: a method counts as
   * idempotent when every replica declares it, the cautious answer while they disagree (a rolling upgrade).
   */
  void replicasChanged(List<Replica> replicas) {
    Set<String> common = new HashSet<>(replicas.get(0).idempotentMethods());
    replicas.forEach(r -> common.retainAll(r.idempotentMethods()));
    declaredIdempotent = Set.copyOf(common);
  }

  List<String> foreignConsumers() {
    return foreignConsumers;
  }

  /** Records the plain consumers now registered on the service name; says so when that changes. */
  void setForeignConsumers(List<String> nodeIds) {
    if (nodeIds.equals(foreignConsumers)) {
      return;
    }
    foreignConsumers = List.copyOf(nodeIds);
    if (nodeIds.isEmpty()) {
      log.info("No plain event-bus consumer is registered on the name of service '" + service + "' any more");
    } else {
      log.warn(nodeIds.size() + " plain event-bus consumer(s) (not published through busmesh) are registered on the"
          + " name of service '" + service + "', on node(s) " + Set.copyOf(nodeIds) + ". Vert.x shares the calls that"
          + " generated proxies send to '" + service + "' between them and this node's balancer in turn, so those"
          + " calls skip balancing, circuit breakers and failover. Publish the implementation with Mesh.publish(\""
          + service + "\", YourService.class, impl) instead of new ServiceBinder(vertx).setAddress(\"" + service
          + "\").register(...); see the README section 'Migrating an existing ServiceBinder provider'.");
    }
  }

  /** Replicas currently ejected as outliers. */
  Set<String> ejected() {
    return ejected;
  }

  /** Re-evaluates outliers among the service's replicas; true if the ejected set changed. */
  boolean evaluateOutliers() {
    if (outliers == null) {
      return false;
    }
    List<OutlierDetector.Figures> figures = registered.get().stream()
        .map(c -> new OutlierDetector.Figures(c.replica().address(), c.errorRate(), c.latencyAverageNanos())).toList();
    Set<String> next = outliers.evaluate(figures);
    if (next.equals(ejected)) {
      return false;
    }
    ejected = Set.copyOf(next);
    return true;
  }

  List<ReplicaClient> available() {
    return available.get();
  }

  /** True while no replica has a closed breaker and calls bypass refusing ones (see {@link BalancerVerticle}). */
  boolean panicking() {
    return panicking.getAsBoolean();
  }

  /** Why a call found no replica to try at all: there is none (an open breaker never hides the last ones). */
  ReplyException noReplicaError() {
    return new ReplyException(ReplyFailure.NO_HANDLERS, -1, "No replica is registered for service '" + service
        + "': publish one with Mesh.publish(\"" + service + "\", ...) on a node of this cluster, or check the service name");
  }
}
