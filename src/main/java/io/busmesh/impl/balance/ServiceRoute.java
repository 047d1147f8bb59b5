package io.busmesh.impl.balance;

import io.busmesh.FaultMode;
import io.busmesh.MeshProtocol;
import io.busmesh.ServiceOptions;
import io.busmesh.impl.fault.HedgeTrigger;
import io.busmesh.impl.fault.OutlierDetector;
import io.busmesh.impl.fault.RetryBudget;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.log.RateLimitedLog;
import io.busmesh.strategy.CallInfo;
import io.busmesh.strategy.Candidate;
import io.busmesh.strategy.StrategyFactory;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The path of calls to one service on this node. A call is taken on the event loop of its caller
 * (see {@link CallInterceptor}), checked, counted against {@code maxInFlight}, and handed to a
 * {@link RoutedCall}, which picks replicas with this loop's instance of the service's strategy and
 * relays the answer unchanged. What calls read is swapped whole ({@link RouteSnapshot}) by the
 * balancer's loop; what they write is atomic. Nothing here locks, blocks or touches a cluster map.
 */
final class ServiceRoute {

  private static final Logger log = LoggerFactory.getLogger(ServiceRoute.class);
  /** Retry budget window (Finagle's default TTL). */
  private static final int BUDGET_WINDOW_SECONDS = 10;
  /** Span of the latencies the hedging percentile is taken from. */
  private static final long HEDGE_WINDOW_MS = 10_000;
  /** At most one line per this period about refused calls, however many arrive. */
  private static final long REFUSAL_LOG_PERIOD_MS = 10_000;

  private final String service;
  private final ServiceOptions options;
  private final Clock clock;
  private final Timers timers;
  private final RelayedReplies relayedReplies; // null when attempts are never relayed
  private final RetryBudget budget;
  private final RetryBudget hedgeBudget;
  private final LongAdder hedgesSent = new LongAdder();
  // Counted where they happen, off the common path of a call, for the metrics.
  private final LongAdder retries = new LongAdder();
  private final LongAdder breakerRefusals = new LongAdder();
  private final LongAdder budgetExhausted = new LongAdder();
  private final OutlierDetector outliers; // null when ejection is off; used on the balancer's loop only
  private final LoopStrategies strategy = new LoopStrategies();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final RateLimitedLog refused;
  private volatile RouteSnapshot snapshot = RouteSnapshot.EMPTY;
  private volatile HedgeTrigger hedgeTrigger; // made on activation, unless the fault mode is not hedged
  private volatile boolean active;
  /** The context of the first call seen on an event loop; the replicas' connections are opened from its loop. */
  private final AtomicReference<ContextInternal> caller = new AtomicReference<>();
  private Set<String> ejected = Set.of();
  /** Node ids of plain consumers registered on the service name, one per consumer. */
  private volatile List<String> foreignConsumers = List.of();

  /** @param relayedReplies where answers to relayed attempts are seen, or null to relay none (see {@link ReplyRelay}) */
  ServiceRoute(String service, ServiceOptions options, Clock clock, Timers timers, RelayedReplies relayedReplies) {
    this.service = service;
    this.options = options;
    this.clock = clock;
    this.timers = timers;
    this.relayedReplies = relayedReplies;
    this.budget = new RetryBudget(clock, options.getRetryBudgetRatio(), options.getRetryBudgetMinPerSecond(),
        BUDGET_WINDOW_SECONDS);
    this.hedgeBudget = new RetryBudget(clock, options.getHedgeBudgetRatio(), 0, BUDGET_WINDOW_SECONDS);
    this.refused = new RateLimitedLog(log, clock, REFUSAL_LOG_PERIOD_MS);
    this.outliers = options.getOutlierEjection() == null ? null : OutlierDetector.fromSettings(clock, options.getOutlierEjection());
    useStrategy(options.getStrategy(), options.getStrategyFactory(), options.getStrategyOptions());
  }

  /**
   * Takes one call, on the caller's thread: refuses it at once if it is not a service-proxy call or
   * the node already has {@code maxInFlight} calls to the service, else routes it.
   *
   * @param body          the call's body as sent (not a copy)
   * @param onCallersLoop the caller's own event loop routes it (see {@link CallInterceptor}), so its first attempt
   *                      may be relayed; false on the balancer's loop, where the answers do not pass
   * @param trace         its spans, or null when it is not traced
   */
  void route(Message<Object> call, Object body, boolean onCallersLoop, CallTrace trace) {
    String problem = CallCheck.problem(call, body);
    if (problem != null) {
      refused.warn("Refused malformed call(s) to service '" + service + "' on this node: " + problem);
      refuse(call, trace, MeshProtocol.MALFORMED_CALL, "Malformed call to service '" + service + "': " + problem
          + ". Call it through the generated proxy of its @ProxyGen interface. Nothing ran.");
      return;
    }
    int taken = inFlight.incrementAndGet();
    if (taken > options.getMaxInFlight()) {
      inFlight.decrementAndGet();
      refused.warn("Refused call(s) to service '" + service + "': this node already has " + (taken - 1)
          + " calls in flight to it (maxInFlight)");
      refuse(call, trace, MeshProtocol.OVERLOADED, "Call to service '" + service + "' refused: this node already has "
          + (taken - 1) + " calls in flight to it, its limit (maxInFlight " + options.getMaxInFlight() + "). The"
          + " replicas are not keeping up or calls are not being answered; slow down, or raise maxInFlight if memory"
          + " allows. Nothing ran.");
      return;
    }
    if (options.getFaultMode() == FaultMode.HEDGED) {
      hedgeBudget.called();
    }
    new RoutedCall(this, call, body, onCallersLoop ? relayedReplies : null, trace).start();
  }

  /** Answers a call that nothing will route, and ends its spans. */
  private static void refuse(Message<Object> call, CallTrace trace, int code, String message) {
    ReplyException refusal = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
    if (trace != null) {
      trace.callEnded(refusal);
    }
    call.reply(refusal, CallTrace.ANSWER);
  }

  /** A call handed to {@link RoutedCall} has ended (answered or failed). */
  void callEnded() {
    inFlight.decrementAndGet();
  }

  /** Swaps what calls read; on the balancer's loop. */
  void publish(RouteSnapshot next) {
    snapshot = next;
  }

  RouteSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Switches strategy; each loop's next pick uses it.
   *
   * @throws IllegalArgumentException if the factory cannot make it with {@code settings}
   */
  void useStrategy(String name, StrategyFactory factory, JsonObject settings) {
    strategy.use(name, factory, settings);
  }

  /** This loop's instance of the service's strategy picks one of {@code candidates}. */
  <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    return strategy.pick(candidates, call);
  }

  String strategyName() {
    return strategy.name();
  }

  /** True once this node has called the service, or was told to (see {@link #activate()}). */
  boolean isActive() {
    return active;
  }

  /**
   * Opens the route to calls on their callers' loops, once its snapshot is published (at once for
   * services in this node's options, else at the first call).
   */
  void activate() {
    if (active) {
      return;
    }
    hedgeTrigger = options.getFaultMode() != FaultMode.HEDGED ? null
        : new HedgeTrigger(clock, options.getHedgePercentile(), HEDGE_WINDOW_MS);
    active = true;
  }

  /** The context of the service's first caller on an event loop, or null while there was none. */
  ContextInternal caller() {
    return caller.get();
  }

  /** Keeps {@code context} as the service's first caller, unless there was one; true if it was kept. */
  boolean firstCaller(ContextInternal context) {
    return caller.get() == null && caller.compareAndSet(null, context);
  }

  /** Calls of this node to the service that have not ended yet. */
  int inFlight() {
    return inFlight.get();
  }

  String service() {
    return service;
  }

  ServiceOptions options() {
    return options;
  }

  Clock clock() {
    return clock;
  }

  Timers timers() {
    return timers;
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

  /** Retries sent after a failed attempt (failover), within the budget. */
  LongAdder retries() {
    return retries;
  }

  /** Picks that a replica's breaker refused, so that another replica was tried or the call failed. */
  LongAdder breakerRefusals() {
    return breakerRefusals;
  }

  /** Calls that failed because the retry budget had no retry left. */
  LongAdder budgetExhausted() {
    return budgetExhausted;
  }

  /** Backup requests sent so far on this node. */
  LongAdder hedgesSent() {
    return hedgesSent;
  }

  /** A method that may run twice: declared idempotent by every replica in the view, or listed in this node's options. */
  boolean isIdempotent(String method) {
    return method != null && (snapshot.idempotent().contains(method) || options.getIdempotentMethods().contains(method));
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

  /** Replicas currently ejected as outliers; balancer's loop. */
  Set<String> ejected() {
    return ejected;
  }

  /** Re-evaluates outliers among the service's replicas; true if the ejected set changed. Balancer's loop. */
  boolean evaluateOutliers() {
    if (outliers == null) {
      return false;
    }
    List<OutlierDetector.Figures> figures = snapshot.registered().stream()
        .map(c -> new OutlierDetector.Figures(c.replica().address(), c.errorRate(), c.latencyAverageNanos())).toList();
    Set<String> next = outliers.evaluate(figures);
    if (next.equals(ejected)) {
      return false;
    }
    ejected = Set.copyOf(next);
    return true;
  }

  /** Why a call found no replica to try at all: there is none (an open breaker never hides the last ones). */
  ReplyException noReplicaError() {
    return new ReplyException(ReplyFailure.NO_HANDLERS, -1, "No replica is registered for service '" + service
        + "': publish one with Mesh.publish(\"" + service + "\", ...) on a node of this cluster, or check the service name");
  }
}
