package io.busmesh.impl.balance;

import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.ReplicaStats;
import io.busmesh.ServiceMetrics;
import io.busmesh.ServiceOptions;
import io.busmesh.impl.fault.AttemptFailure;
import io.busmesh.impl.fault.BreakerSettings;
import io.busmesh.impl.fault.ReplicaGoneException;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.load.LoadExchange;
import io.busmesh.impl.load.LoadSettings;
import io.busmesh.impl.load.ReplicaLoad;
import io.busmesh.impl.load.SlowStart;
import io.busmesh.impl.log.LogText;
import io.busmesh.impl.log.RateLimitedLog;
import io.busmesh.impl.metrics.CallWindow;
import io.busmesh.impl.registry.ForeignConsumerWatch;
import io.busmesh.impl.registry.NodeWatcher;
import io.busmesh.impl.registry.ReplicaRegistry;
import io.busmesh.impl.registry.ReplicaView;
import io.busmesh.impl.registry.ViewChange;
import io.busmesh.impl.trust.ControlPlane;
import io.busmesh.impl.trust.SignedRecord;
import io.busmesh.strategy.Strategy;
import io.busmesh.strategy.StrategyFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceExceptionMessageCodec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The one balancer of a node. It keeps this node's {@link ReplicaView} (pushed changes, a periodic
 * resync, node departures applied at once), shares in-flight counts with the other balancers, and
 * answers, on each service name, for the calls this node's generated proxies send there.
 */
public final class BalancerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(BalancerVerticle.class);
  /** How often outliers are re-evaluated (Envoy's default interval is 10 s; a second reacts sooner). */
  private static final long OUTLIER_PERIOD_MS = 1_000;
  /** Departed replicas whose statistics are kept for late readers before the oldest are dropped. */
  private static final int DEPARTED_STATS_KEPT = 1_000;
  private static final long REJECTED_LOG_PERIOD_MS = 60_000;
  /** Routes of services no longer in the view that are kept (see {@link #pruneIdleRoutes}). */
  private static final int IDLE_ROUTES_KEPT = 1_000;

  private final MeshOptions options;
  private final ReplicaRegistry registry;
  private final ControlPlane controlPlane;
  private final Clock clock;
  /** Timers of the windowed seed metrics. */
  private final MeterRegistry meters;
  /** In creation order, so that the oldest idle ones go first. */
  private final Map<String, ServiceRoute> routes = new LinkedHashMap<>();
  private final Map<String, ReplicaClient> clients = new ConcurrentHashMap<>();
  private final Set<String> departed = new LinkedHashSet<>();
  private volatile ReplicaView view = ReplicaView.EMPTY;
  /** Per service, the view's replicas as call paths; rebuilt (new list instances) only when the view changes. */
  private Map<String, List<ReplicaClient>> candidates = Map.of();
  /** Per service, those whose breaker is not open; rebuilt when the view or a breaker's state changes. */
  private Map<String, List<ReplicaClient>> available = Map.of();
  /** Replicas at whose address a consumer of another node is registered (see {@link #setContested}). */
  private final Set<String> contested = new HashSet<>();
  /** Services none of whose replicas has a closed breaker, balanced over all of them meanwhile. */
  private final Set<String> panicking = new HashSet<>();
  /** Changes applied while a resync reads the registry; replayed on its snapshot. Null when none runs. */
  private List<UnaryOperator<ReplicaView>> changesDuringResync;
  /** Replicas of the view that the last resync did not read (see {@link #withOnceMissed}). */
  private Set<String> missedLastRead = Set.of();
  private LoadSharing loadSharing;
  private AutoCloseable nodeWatcher;
  private ForeignConsumerWatch foreignConsumers;
  /** Control-plane messages refused as malformed, unknown or unverified: logged at most once a minute. */
  private final RateLimitedLog rejected;

  public BalancerVerticle(MeshOptions options, ReplicaRegistry registry, ControlPlane controlPlane, Clock clock) {
    this.options = options;
    this.controlPlane = controlPlane;
    this.registry = registry;
    this.clock = clock;
    this.meters = CallWindow.registry(clock);
    this.rejected = new RateLimitedLog(log, clock, REJECTED_LOG_PERIOD_MS);
  }

  @Override
  public Future<?> start() {
    registerServiceExceptionCodec();
    foreignConsumers = ForeignConsumerWatch.watch(vertx, address -> context.runOnContext(v -> checkForeignConsumers(address)));
    options.configuredServices().forEach(this::ensureRoute);
    loadSharing = new LoadSharing(context, new LoadExchange(vertx, registry.nodeId(), controlPlane, clock), clients::values,
        routes::values, registry::liveNodes);
    MessageConsumer<Object> changes = vertx.eventBus().consumer(ReplicaRegistry.viewAddress(registry.nodeId()), this::onChange);
    // With strategy control off, nothing listens: a change published there reaches no handler on this node.
    Future<Void> control = !options.getSecurity().isStrategyControl() ? Future.succeededFuture()
        : vertx.eventBus().consumer(MeshProtocol.STRATEGY_CONTROL_ADDRESS, this::onStrategyControl).completion();
    nodeWatcher = NodeWatcher.watch(vertx, nodeId -> context.runOnContext(v -> onNodeLeft(nodeId)),
        () -> context.runOnContext(v -> onRejoined()));
    vertx.setPeriodic(options.getResyncIntervalMs(), id -> resync());
    if (options.isShareInFlight()) {
      vertx.setPeriodic(options.getLoadSharePeriodMs(), id -> loadSharing.round());
    }
    vertx.setPeriodic(OUTLIER_PERIOD_MS, id -> evaluateOutliers());
    if (options.getMetricsPeriodMs() > 0) {
      vertx.setPeriodic(options.getMetricsPeriodMs(), id -> publishMetrics());
    }
    return Future.all(changes.completion(), control).compose(v -> resync());
  }

  @Override
  public Future<?> stop() throws Exception {
    nodeWatcher.close();
    foreignConsumers.close();
    return Future.succeededFuture();
  }

  /** The current view; safe to read from any thread. */
  public ReplicaView view() {
    return view;
  }

  /** This node's statistics for the replicas of {@code service} it has called, keyed by address; any thread. */
  public Map<String, ReplicaStats> stats(String service) {
    Map<String, ReplicaStats> result = new LinkedHashMap<>();
    clients.values().stream()
        .filter(c -> c.replica().service().equals(service))
        .map(c -> c.load().stats())
        .sorted(Comparator.comparing(ReplicaStats::address))
        .forEach(s -> result.put(s.address(), s));
    return result;
  }

  /** The seed metrics of {@code service}, computed on the balancer's event loop. */
  public Future<ServiceMetrics> metrics(String service) {
    return onLoop(() -> metricsOf(service));
  }

  /**
   * Switches {@code service} to another strategy on this node, without a restart: one named in this
   * node's options, else a built-in or registered one.
   */
  public Future<Void> useStrategy(String service, String name, JsonObject settings) {
    Strategy strategy;
    try {
      strategy = strategyFactory(name).create(settings == null ? new JsonObject() : settings);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (strategy == null) {
      return Future.failedFuture(new IllegalArgumentException("Strategy factory '" + name + "' made no strategy (null)"));
    }
    return onLoop(() -> {
      ensureRoute(service).useStrategy(name, strategy);
      log.info("Service " + LogText.quote(service) + " now balanced with strategy " + LogText.quote(name));
      return null;
    });
  }

  /**
   * Checks that this node can make strategy {@code name} with {@code settings}.
   *
   * @throws IllegalArgumentException naming the unknown strategy or the bad setting
   */
  public void checkStrategy(String name, JsonObject settings) {
    if (strategyFactory(name).create(settings) == null) {
      throw new IllegalArgumentException("Strategy factory '" + name + "' made no strategy (null)");
    }
  }

  private StrategyFactory strategyFactory(String name) {
    return Stream.concat(Stream.of(options.getDefaults()),
            StreamSupport.stream(options.configuredServices().spliterator(), false).map(options::forService))
        .map(ServiceOptions::getStrategyFactory)
        .filter(factory -> factory.name().equals(name))
        .findFirst()
        .orElseGet(() -> StrategyFactory.named(name));
  }

  private <T> Future<T> onLoop(Supplier<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(action.get());
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  private ServiceMetrics metricsOf(String service) {
    ServiceRoute route = routes.get(service);
    long ageNanos = loadSharing.viewAgeNanos(clock.nanoTime());
    long ageMs = ageNanos == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(ageNanos);
    if (route == null || !route.isActive()) {
      return route == null ? MetricsReport.unrouted(service, options.forService(service).getStrategy(), ageMs, 0)
          : MetricsReport.unrouted(service, route.strategyName(), ageMs, route.foreignConsumers().size());
    }
    return MetricsReport.of(route, candidates.getOrDefault(service, List.of()), ageMs);
  }

  private void publishMetrics() {
    for (String service : routes.keySet()) {
      if (!candidates.getOrDefault(service, List.of()).isEmpty()) {
        vertx.eventBus().publish(MeshProtocol.METRICS_ADDRESS, metricsOf(service).toJson().put("node", registry.nodeId()));
      }
    }
  }

  private void onStrategyControl(Message<Object> message) {
    SignedRecord record = controlPlane.open(ControlPlane.STRATEGY, message.body(), "the strategy control address");
    if (record == null) {
      message.fail(MeshProtocol.MALFORMED_CALL, "A strategy change must be signed by a node of this cluster");
      return;
    }
    if (!controlPlane.isRecent(record.payload().getValue("at"))) {
      refuseControl(message, "Ignored a strategy change stamped more than " + ControlPlane.MAX_SKEW_MS / 1000
          + " s from this node's clock (a replay?)");
      return;
    }
    JsonObject json = record.payload();
    if (!(json.getValue("service") instanceof String service)
        || !(json.getValue("strategy") instanceof String name)) {
      refuseControl(message, "A strategy change must be a JSON object with 'service' and 'strategy' strings"
          + " (and optional 'strategyOptions')");
      return;
    }
    if (!routes.containsKey(service)) {
      // No state for services this node knows nothing of: a flood of made-up names must not grow the heap.
      refuseControl(message, "Ignored a strategy change for service " + LogText.quote(service)
          + ", which this node neither calls nor has in its view");
      return;
    }
    JsonObject settings = json.getValue("strategyOptions") instanceof JsonObject o ? o : new JsonObject();
    useStrategy(service, name, settings).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(null);
      } else {
        refuseControl(message, "Ignored a strategy change for service " + LogText.quote(service) + ": "
            + LogText.quote(ar.cause().getMessage()));
      }
    });
  }

  private void refuseControl(Message<Object> message, String why) {
    rejected.warn(why);
    message.fail(MeshProtocol.MALFORMED_CALL, why);
  }

  private void onChange(Message<Object> change) {
    SignedRecord record = controlPlane.open(ControlPlane.VIEW, change.body(), "this node's view address");
    if (record == null) {
      change.fail(MeshProtocol.MALFORMED_CALL, "A registry change must be signed by a node of this cluster");
      return;
    }
    UnaryOperator<ReplicaView> update;
    try {
      if (!controlPlane.isRecent(record.payload().getValue("at"))) {
        throw new IllegalArgumentException("it is stamped more than " + ControlPlane.MAX_SKEW_MS / 1000
            + " s from this node's clock (a replay?)");
      }
      update = ViewChange.parse(record.payload(), record.signer(), controlPlane::mayPublish);
    } catch (IllegalArgumentException e) {
      rejected.warn("Ignored a malformed registry change: " + e.getMessage());
      change.fail(MeshProtocol.MALFORMED_CALL, e.getMessage());
      return;
    }
    apply(update);
    change.reply(null);
  }

  private void onNodeLeft(String nodeId) {
    ReplicaView before = view;
    apply(v -> v.withoutNode(nodeId));
    // Their answers will never come: fail the attempts now so the calls move to other replicas.
    for (ReplicaClient client : clients.values()) {
      if (client.replica().nodeId().equals(nodeId)) {
        client.failPending(new ReplicaGoneException(client.replica().address(), nodeId));
      }
    }
    if (before != view) {
      log.info("Node " + nodeId + " left the cluster; its replicas were removed from this node's view");
    }
    registry.reassertOwn().compose(v -> registry.readAll()).compose(registry::forgetDeadNodes)
        .onFailure(err -> log.warn("Could not update the registry after node " + nodeId + " left: " + err.getMessage()));
    loadSharing.forget(nodeId);
  }

  /** Back in the cluster after a split: the others forgot this node's replicas, and this node theirs. */
  private void onRejoined() {
    log.info("This node rejoined the cluster after a split; re-announcing its replicas and reading the registry");
    OnLoop.of(context, registry.reannounceOwn()).compose(v -> resync())
        .onFailure(err -> log.warn("Could not re-announce this node's replicas after rejoining: " + err.getMessage()));
  }

  private void apply(UnaryOperator<ReplicaView> change) {
    if (changesDuringResync != null) {
      changesDuringResync.add(change);
    }
    setView(change.apply(view));
  }

  /**
   * Replaces the view with the registry's content. Changes that arrive while the registry is read
   * are replayed on top of what was read, so neither the snapshot nor a pushed change is lost.
   */
  private Future<Void> resync() {
    if (changesDuringResync != null) {
      return Future.succeededFuture(); // one resync at a time
    }
    List<UnaryOperator<ReplicaView>> replay = new ArrayList<>();
    changesDuringResync = replay;
    // Every step after the read runs on this loop: the futures derived from OnLoop's keep its context.
    return OnLoop.of(context, registry.readAll()).map(entries -> {
      ReplicaView next = ReplicaView.of(calledFirst(withOnceMissed(entries))).onNodes(registry.liveNodes());
      for (UnaryOperator<ReplicaView> change : replay) {
        next = change.apply(next);
      }
      setView(next);
      return entries;
    }).compose(entries -> registry.repairOwn(entries).map(entries))
        .compose(registry::forgetDeadNodes).recover(err -> {
      log.warn("Registry resync failed, keeping the current view: " + err.getMessage());
      return Future.succeededFuture();
    }).onComplete(ar -> changesDuringResync = null);
  }

  /**
   * {@code read} plus the replicas of the view, on live nodes, that it lacks for the first time: an entry deleted
   * from the map by someone else is restored by its own node within a resync period, so one read
   * without it is no reason to stop calling it. A replica that is really gone was removed by a push
   * already, or is missing from two reads in a row.
   */
  private List<Replica> withOnceMissed(List<Replica> read) {
    Set<String> live = registry.liveNodes();
    Set<String> readAddresses = new HashSet<>();
    read.forEach(r -> readAddresses.add(r.address()));
    Set<String> missing = new HashSet<>();
    List<Replica> result = new ArrayList<>(read);
    for (String service : view.services()) {
      for (Replica r : view.replicas(service)) {
        if (!readAddresses.contains(r.address()) && live.contains(r.nodeId()) && !missedLastRead.contains(r.address())) {
          missing.add(r.address());
          result.add(r);
        }
      }
    }
    missedLastRead = missing;
    return result;
  }

  /**
   * The replicas of services this node calls first: if the registry holds more than a view can
   * (someone filling it), the services in use are the ones that stay.
   */
  private List<Replica> calledFirst(List<Replica> entries) {
    List<Replica> sorted = new ArrayList<>(entries.size());
    entries.stream().filter(this::isCalled).forEach(sorted::add);
    entries.stream().filter(r -> !isCalled(r)).forEach(sorted::add);
    return sorted;
  }

  private boolean isCalled(Replica replica) {
    ServiceRoute route = routes.get(replica.service());
    return route != null && route.isActive();
  }

  private void setView(ReplicaView next) {
    ReplicaView previous = view;
    view = next;
    next.services().forEach(this::ensureRoute);
    Map<String, List<ReplicaClient>> nextCandidates = new HashMap<>();
    for (String service : next.services()) {
      List<Replica> replicas = next.replicas(service);
      ServiceRoute route = routes.get(service);
      List<ReplicaClient> current = candidates.get(service);
      boolean unchanged = current != null && current.size() == replicas.size()
          && current.stream().map(ReplicaClient::replica).toList().equals(replicas);
      if (!unchanged) {
        route.replicasChanged(replicas);
      }
      // Breakers, load and metrics only for services this node calls: the view may name many it never will.
      if (route.isActive()) {
        nextCandidates.put(service, unchanged ? current : replicas.stream().map(this::clientOf).toList());
      }
    }
    candidates = nextCandidates;
    refreshAvailable();
    for (String service : previous.services()) {
      for (Replica r : previous.replicas(service)) {
        if (!next.contains(r.address())) {
          markDeparted(r.address());
        }
      }
    }
    if (next.size() >= ReplicaView.MAX_REPLICAS || next.services().size() >= ReplicaView.MAX_SERVICES) {
      rejected.warn("This node's view is full (" + next.size() + " replicas of " + next.services().size() + " services;"
          + " at most " + ReplicaView.MAX_REPLICAS + " and " + ReplicaView.MAX_SERVICES + "): further replicas are left"
          + " out. Is something filling the registry map " + MeshProtocol.REGISTRY_MAP + "?");
    }
    pruneIdleRoutes();
  }

  /**
   * Closes the oldest routes of services that left the view, beyond {@value #IDLE_ROUTES_KEPT}, if
   * this node never called them (configured services count as called): a caller of a vanished
   * service still gets a clear "no replica" error, but names that came and went cannot pile up.
   */
  private void pruneIdleRoutes() {
    int idle = routes.size() - view.services().size();
    if (idle <= IDLE_ROUTES_KEPT) {
      return;
    }
    var it = routes.values().iterator();
    while (idle > IDLE_ROUTES_KEPT && it.hasNext()) {
      ServiceRoute route = it.next();
      if (!view.services().contains(route.service()) && !route.isActive()) {
        it.remove();
        route.close();
        idle--;
      }
    }
  }

  /** Called on a service's first call: its replicas become call paths (breaker, load, metrics each). */
  private void buildCandidates(String service) {
    List<Replica> replicas = view.replicas(service);
    if (replicas.isEmpty()) {
      return;
    }
    Map<String, List<ReplicaClient>> next = new HashMap<>(candidates);
    next.put(service, replicas.stream().map(this::clientOf).toList());
    candidates = next;
    refreshAvailable();
  }

  private void evaluateOutliers() {
    boolean changed = false;
    for (ServiceRoute route : routes.values()) {
      if (route.evaluateOutliers()) {
        changed = true;
        log.info("Outliers ejected from service '" + route.service() + "': " + route.ejected());
      }
    }
    if (changed) {
      refreshAvailable();
    }
  }

  /**
   * Rebuilds the replicas that may take calls: not ejected, breaker closed or half-open (whose
   * refusals move on to another replica for free). When no replica has a closed breaker the service
   * panics, as Envoy's balancer does: breakers that all opened together more likely saw this node or
   * the network stall than every replica fail, so calls go to all replicas, refusing breakers
   * bypassed, under the retry budget, until a breaker closes again.
   */
  private void refreshAvailable() {
    Map<String, List<ReplicaClient>> next = new HashMap<>();
    candidates.forEach((service, clients) -> {
      ServiceRoute route = routes.get(service);
      Set<String> ejected = route == null ? Set.of() : route.ejected();
      List<ReplicaClient> usable = clients.stream().filter(c -> c.breakerState() != CircuitBreakerState.OPEN
          && !ejected.contains(c.replica().address()) && !contested.contains(c.replica().address())).toList();
      boolean panic = !clients.isEmpty() && usable.stream().noneMatch(c -> c.breakerState() == CircuitBreakerState.CLOSED);
      setPanic(service, panic);
      List<ReplicaClient> current = available.get(service);
      next.put(service, usable.size() == clients.size() || panic ? clients
          : usable.equals(current) ? current : usable);
    });
    panicking.retainAll(candidates.keySet());
    available = next;
  }

  private void setPanic(String service, boolean panic) {
    if (panic && panicking.add(service)) {
      log.warn("No replica of service '" + service + "' has a closed circuit breaker; balancing over all of them,"
          + " refusing breakers bypassed, until one closes again (panic mode)");
    } else if (!panic && panicking.remove(service)) {
      log.info("Service '" + service + "' has a replica with a closed breaker again; panic mode over");
    }
  }

  private void onBreakerChange(Replica replica, CircuitBreakerState state) {
    refreshAvailable();
    log.info("Circuit breaker of replica " + replica.address() + " of service '" + replica.service() + "' is now " + state);
    vertx.eventBus().publish(MeshProtocol.BREAKER_ADDRESS, new JsonObject().put("node", registry.nodeId())
        .put("service", replica.service()).put("replica", replica.address()).put("state", state.name()));
  }

  private void markDeparted(String address) {
    departed.remove(address);
    departed.add(address);
    while (departed.size() > DEPARTED_STATS_KEPT) {
      String oldest = departed.iterator().next();
      departed.remove(oldest);
      if (!view.contains(oldest)) {
        contested.remove(oldest);
        ReplicaClient forgotten = clients.remove(oldest);
        if (forgotten != null) {
          forgotten.load().close();
        }
      }
    }
  }

  private ServiceRoute ensureRoute(String service) {
    ServiceRoute route = routes.get(service);
    if (route == null) {
      route = new ServiceRoute(vertx, service, options.forService(service), () -> candidates.getOrDefault(service, List.of()),
          () -> available.getOrDefault(service, List.of()), () -> panicking.contains(service), clock, meters,
          options.getMetricsWindowMs(), () -> buildCandidates(service));
      routes.put(service, route);
      route.listen();
      if (options.isConfigured(service)) {
        route.activate();
      }
      checkForeignConsumers(service);
    }
    return route;
  }

  /** Re-reads the plain consumers on a service name this node balances (never on the path of a call). */
  private void checkForeignConsumers(String address) {
    ServiceRoute route = routes.get(address);
    if (route != null) {
      OnLoop.of(context, foreignConsumers.consumersOn(address))
          .onSuccess(route::setForeignConsumers)
          .onFailure(err -> log.debug("Could not read the consumers of '" + address + "': " + err.getMessage()));
      return;
    }
    ReplicaClient client = clients.get(address);
    if (client != null && view.contains(address)) {
      OnLoop.of(context, foreignConsumers.consumersOn(address))
          .onSuccess(nodes -> setContested(client.replica(), nodes.stream().filter(n -> !n.equals(client.replica().nodeId())).toList()))
          .onFailure(err -> log.debug("Could not read the consumers of " + address + ": " + err.getMessage()));
    }
  }

  /**
   * A consumer on another node at a replica's address would take part of its calls (Vert.x hands
   * them to every consumer in turn) and answer them: while one is there, calls go to the service's
   * other replicas (all of them again if every replica is contested).
   */
  private void setContested(Replica replica, List<String> strangers) {
    boolean changed = strangers.isEmpty() ? contested.remove(replica.address()) : contested.add(replica.address());
    if (!changed) {
      return;
    }
    if (strangers.isEmpty()) {
      log.info("No stranger's consumer is registered at the address of replica " + replica.address() + " any more;"
          + " calls go to it again");
    } else {
      rejected.warn("A consumer on node(s) " + LogText.quote(strangers) + " is registered at the address of replica "
          + replica.address() + ", which lives on node " + replica.nodeId() + ": it would take and answer part of"
          + " the replica's calls. This node stops calling the replica while it is there; turn on event-bus TLS"
          + " (mesh.security) so that no stranger can.");
    }
    refreshAvailable();
  }

  private ReplicaClient clientOf(Replica replica) {
    ReplicaClient client = clients.get(replica.address());
    if (client == null) {
      ServiceOptions service = options.forService(replica.service());
      LoadSettings settings = new LoadSettings(
          TimeUnit.MILLISECONDS.toNanos(service.getEwmaDecayMs()),
          options.isShareInFlight() ? TimeUnit.MILLISECONDS.toNanos(2 * options.getLoadSharePeriodMs()) : -1,
          new SlowStart(service.getSlowStartMs()));
      CallWindow window = new CallWindow(meters, clock, options.getMetricsWindowMs(),
          Timer.builder("busmesh.attempt.latency").tag("service", replica.service()).tag("replica", replica.address()),
          ensureRoute(replica.service()).window(), 0.5, 0.99);
      client = new ReplicaClient(vertx.eventBus(), new ReplicaLoad(replica, clock, settings, window),
          breakerFor(replica, service));
      clients.put(replica.address(), client);
      context.runOnContext(v -> checkForeignConsumers(replica.address())); // a stranger may have registered first
    }
    return client;
  }

  /** The replica's circuit breaker: only faults count as failures, not the service's own errors nor refusals. */
  private CircuitBreaker breakerFor(Replica replica, ServiceOptions service) {
    CircuitBreakerOptions breakerOptions = BreakerSettings.options(service.getBreaker());
    CircuitBreaker breaker = CircuitBreaker.create("busmesh:" + replica.address(), vertx, breakerOptions);
    breaker.<Object>failurePolicy(attempt -> attempt.failed() && AttemptFailure.of(attempt.cause()).isFault());
    breaker.openHandler(v -> context.runOnContext(x -> onBreakerChange(replica, CircuitBreakerState.OPEN)));
    breaker.halfOpenHandler(v -> context.runOnContext(x -> onBreakerChange(replica, CircuitBreakerState.HALF_OPEN)));
    breaker.closeHandler(v -> context.runOnContext(x -> onBreakerChange(replica, CircuitBreakerState.CLOSED)));
    return breaker;
  }

  private void registerServiceExceptionCodec() {
    try {
      vertx.eventBus().registerDefaultCodec(ServiceException.class, new ServiceExceptionMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // A generated proxy or handler on this node registered it first.
    }
  }
}
