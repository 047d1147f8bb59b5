package io.busmesh.impl.balance;

import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.busmesh.PrometheusOptions;
import io.busmesh.ReplicaStats;
import io.busmesh.ServiceMetrics;
import io.busmesh.ServiceOptions;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.load.LoadExchange;
import io.busmesh.impl.log.LogText;
import io.busmesh.impl.log.RateLimitedLog;
import io.busmesh.impl.metrics.MeshEvents;
import io.busmesh.impl.metrics.PrometheusEndpoint;
import io.busmesh.impl.registry.ForeignConsumerWatch;
import io.busmesh.impl.registry.NodeWatcher;
import io.busmesh.impl.registry.ReplicaRegistry;
import io.busmesh.impl.registry.ReplicaView;
import io.busmesh.impl.replica.ServedReplicas;
import io.busmesh.impl.transport.FlushCoalescing;
import io.busmesh.impl.trust.ControlPlane;
import io.busmesh.strategy.StrategyFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceExceptionMessageCodec;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The balancer of a node, wired together: a {@link ViewKeeper} keeps the view of who serves what, a
 * {@link RouteTable} turns it into each service's route, {@link LoadSharing} exchanges load figures,
 * {@link StrategyControl} obeys signed strategy changes and {@link MetricsPublisher} reports. All of
 * that runs on this verticle's event loop, off the path of calls; the calls themselves are routed on
 * their callers' loops by the {@link CallInterceptor} it installs, and leave in batches through the
 * event-bus connections that {@link FlushCoalescing} tunes.
 */
public final class BalancerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(BalancerVerticle.class);
  /**
   * How often outliers are re-evaluated (Envoy's default interval is 10 s; a second reacts sooner) and
   * metrics windows roll on.
   */
  private static final long TICK_MS = 1_000;
  /** How often the Micrometer meters take the balancer's figures: Prometheus scrapes every 10 to 60 s. */
  private static final long METERS_PERIOD_MS = 1_000;
  private static final long REJECTED_LOG_PERIOD_MS = 60_000;

  private final MeshOptions options;
  private final ReplicaRegistry registry;
  private final ServedReplicas served;
  private final ControlPlane controlPlane;
  private final Clock clock;
  /** Control-plane messages refused as malformed, unknown or unverified: logged at most once a minute. */
  private final RateLimitedLog rejected;
  private final MeshEvents events = new MeshEvents(MeshEvents.DEFAULT_CAPACITY, System::currentTimeMillis);
  private ViewKeeper viewKeeper;
  private RouteTable routes;
  private LoadSharing loadSharing;
  private MetricsPublisher metrics;
  private DashboardFeed dashboard;
  private CallInterceptor interceptor;
  private MeshMeters meters; // null when no registry: nothing is measured for Micrometer
  private PrometheusMeterRegistry ownRegistry; // made here when Prometheus is asked for and Vert.x has no such registry
  private RelayedReplies relayedReplies;
  private FlushCoalescing flushes = FlushCoalescing.OFF;
  private AutoCloseable nodeWatcher;
  private ForeignConsumerWatch foreignConsumers;

  /** @param served the replicas this node serves, whose load it shares */
  public BalancerVerticle(MeshOptions options, ReplicaRegistry registry, ServedReplicas served, ControlPlane controlPlane,
                          Clock clock) {
    this.options = options;
    this.served = served;
    this.controlPlane = controlPlane;
    this.registry = registry;
    this.clock = clock;
    this.rejected = new RateLimitedLog(log, clock, REJECTED_LOG_PERIOD_MS);
  }

  @Override
  public Future<?> start() {
    registerServiceExceptionCodec();
    foreignConsumers = ForeignConsumerWatch.watch(vertx, address -> context.runOnContext(v -> routes.checkForeignConsumers(address)));
    relayedReplies = new RelayedReplies();
    flushes = options.isCoalesceFlushes() ? FlushCoalescing.of(vertx.eventBus()) : FlushCoalescing.OFF;
    routes = new RouteTable(vertx, context, registry.nodeId(), options, clock, relayedReplies, foreignConsumers, rejected,
        events, flushes::coalesceNewConnections);
    viewKeeper = new ViewKeeper(context, registry, controlPlane, rejected,
        service -> routes.activeRoute(service) != null, routes::viewChanged);
    options.configuredServices().forEach(service -> routes.ensure(service, true));
    loadSharing = new LoadSharing(context, registry.nodeId(), new LoadExchange(vertx, registry.nodeId(), controlPlane, clock),
        served, routes.clients(), routes::routes, registry::liveNodes, clock,
        TimeUnit.MILLISECONDS.toNanos(options.getLoadSharePeriodMs()));
    metrics = new MetricsPublisher(vertx, registry.nodeId(), options, routes, clock, loadSharing::viewAgeNanos);
    dashboard = new DashboardFeed(registry.nodeId(), routes, metrics, events, clock,
        options.getDashboard().getMaxReplicasShown());
    interceptor = new CallInterceptor(routes);
    vertx.eventBus().addOutboundInterceptor(interceptor);
    vertx.eventBus().addInboundInterceptor(relayedReplies);

    MessageConsumer<Object> changes = vertx.eventBus().consumer(ReplicaRegistry.viewAddress(registry.nodeId()), viewKeeper::onChange);
    // With strategy control off, nothing listens: a change published there reaches no handler on this node.
    Future<Void> control = !options.getSecurity().isStrategyControl() ? Future.succeededFuture()
        : vertx.eventBus().consumer(MeshProtocol.STRATEGY_CONTROL_ADDRESS, new StrategyControl(controlPlane, rejected,
            service -> routes.route(service) != null, this::useStrategy)).completion();
    nodeWatcher = NodeWatcher.watch(vertx, nodeId -> context.runOnContext(v -> nodeLeft(nodeId)),
        () -> context.runOnContext(v -> viewKeeper.rejoined()));
    vertx.setPeriodic(options.getResyncIntervalMs(), id -> {
      viewKeeper.resync();
      routes.recheckForeignConsumers();
    });
    if (options.isShareInFlight()) {
      vertx.setPeriodic(options.getLoadSharePeriodMs(), id -> loadSharing.round());
    }
    vertx.setPeriodic(TICK_MS, id -> {
      routes.tick();
      flushes.coalesceNewConnections(); // connections opened other than by a warm-up: replies, plain sends
    });
    if (options.getMetricsPeriodMs() > 0) {
      vertx.setPeriodic(options.getMetricsPeriodMs(), id -> metrics.publish());
    }
    Future<?> prometheus = startMeters();
    return Future.all(changes.completion(), control, prometheus).compose(v -> viewKeeper.resync());
  }

  /**
   * Binds the mesh's meters to Vert.x's Micrometer registry if its metrics are on, and serves them
   * for Prometheus if the options ask (in Vert.x's registry if it is a Prometheus one, else in one of
   * the mesh's own). Neither: no meters and no periodic work at all.
   */
  private Future<?> startMeters() {
    PrometheusOptions prometheus = options.getPrometheus();
    MeterRegistry vertxRegistry = vertx.isMetricsEnabled() ? BackendRegistries.getDefaultNow() : null;
    MeterRegistry registry = vertxRegistry;
    if (prometheus.isEnabled() && !(vertxRegistry instanceof PrometheusMeterRegistry)) {
      registry = ownRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
    if (registry == null) {
      return Future.succeededFuture();
    }
    meters = new MeshMeters(registry, prometheus.getMaxReplicaSeries(), served::count);
    vertx.setPeriodic(METERS_PERIOD_MS, id -> meters.update(routes, metrics));
    return prometheus.isEnabled() ? PrometheusEndpoint.listen(vertx, (PrometheusMeterRegistry) registry, prometheus)
        : Future.succeededFuture();
  }

  @Override
  public Future<?> stop() throws Exception {
    if (meters != null) {
      meters.close();
    }
    if (ownRegistry != null) {
      ownRegistry.close();
    }
    vertx.eventBus().removeOutboundInterceptor(interceptor);
    vertx.eventBus().removeInboundInterceptor(relayedReplies);
    flushes.stop();
    nodeWatcher.close();
    foreignConsumers.close();
    return Future.succeededFuture();
  }

  private void nodeLeft(String nodeId) {
    events.record(MeshEvents.Kind.NODE_LEFT, null, "node " + nodeId + " left the cluster");
    viewKeeper.nodeLeft(nodeId);
    routes.nodeLeft(nodeId);
    loadSharing.forget(nodeId);
  }

  /** When this node's view was last rebuilt from the whole registry ({@link System#nanoTime()}), -1 before; any thread. */
  public long viewSyncedAtNanos() {
    return viewKeeper == null ? -1 : viewKeeper.syncedAtNanos();
  }

  /** The current view; safe to read from any thread. */
  public ReplicaView view() {
    return viewKeeper.view();
  }

  /** This node's statistics for the replicas of {@code service} it has called, keyed by address; any thread. */
  public Map<String, ReplicaStats> stats(String service) {
    Map<String, ReplicaStats> result = new LinkedHashMap<>();
    routes.clients().all().stream()
        .filter(c -> c.replica().service().equals(service))
        .map(c -> c.load().stats())
        .sorted(Comparator.comparing(ReplicaStats::address))
        .forEach(s -> result.put(s.address(), s));
    return result;
  }

  /** The mesh's recent events on this node (breakers, membership, ejection, panic, strategies); any thread. */
  public MeshEvents events() {
    return events;
  }

  /** The dashboard's frame now: services, replicas, rates and the events since the last frame. */
  public Future<JsonObject> dashboardFrame() {
    return onLoop(dashboard::frame);
  }

  /** The seed metrics of {@code service}, computed on the balancer's event loop. */
  public Future<ServiceMetrics> metrics(String service) {
    return onLoop(() -> metrics.metricsOf(service));
  }

  /**
   * Switches {@code service} to another strategy on this node, without a restart: one named in this
   * node's options, else a built-in or registered one.
   */
  public Future<Void> useStrategy(String service, String name, JsonObject settings) {
    StrategyFactory factory;
    try {
      factory = strategyFactory(name);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    JsonObject checked = settings == null ? new JsonObject() : settings;
    return onLoop(() -> {
      routes.useStrategy(service, name, factory, checked);
      log.info("Service " + LogText.quote(service) + " now balanced with strategy " + LogText.quote(name));
      events.record(MeshEvents.Kind.STRATEGY, service, "now balanced with strategy " + LogText.quote(name));
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

  private void registerServiceExceptionCodec() {
    try {
      vertx.eventBus().registerDefaultCodec(ServiceException.class, new ServiceExceptionMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // A generated proxy or handler on this node registered it first.
    }
  }
}
