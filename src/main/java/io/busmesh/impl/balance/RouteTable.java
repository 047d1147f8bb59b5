package io.busmesh.impl.balance;

import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.log.LogText;
import io.busmesh.impl.log.RateLimitedLog;
import io.busmesh.impl.metrics.MeshEvents;
import io.busmesh.impl.registry.ForeignConsumerWatch;
import io.busmesh.impl.registry.ReplicaView;
import io.busmesh.strategy.StrategyFactory;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.tracing.VertxTracer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routes of this node's services and what their calls read: for every service this node calls,
 * its replicas as {@link ReplicaClient}s, those that may take calls, and whether it panics, published
 * to the route as one {@link RouteSnapshot} whenever the view, a breaker, an ejection or a contested
 * address changes. Runs on the balancer's loop; {@link #activeRoute} may be read from any thread.
 */
final class RouteTable {

  private static final Logger log = LoggerFactory.getLogger(RouteTable.class);
  /** Routes of services no longer in the view that are kept (see {@link #pruneIdle}). */
  static final int IDLE_ROUTES_KEPT = 1_000;
  /** Beyond this many replicas joining or leaving at once, one event says how many. */
  private static final int MEMBERSHIP_EVENTS_PER_CHANGE = 8;

  private final Vertx vertx;
  private final Context loop;
  private final String nodeId;
  private final MeshOptions options;
  private final Clock clock;
  private final RelayedReplies relayedReplies;
  private final ReplicaClients clients;
  private final ConnectionWarmer warmer;
  private final ForeignConsumerWatch foreignConsumers;
  private final RateLimitedLog rejected;
  private final MeshEvents events;
  private final Map<String, ServiceRoute> routes = new ConcurrentHashMap<>();
  private final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();
  /** Service names in the order their routes were made, so that the oldest idle ones go first. */
  private final Set<String> order = new LinkedHashSet<>();
  /** Per service this node calls, its replicas in the view as call paths; a new list only when they change. */
  private final Map<String, List<ReplicaClient>> registered = new HashMap<>();
  private final Map<String, List<ReplicaClient>> available = new HashMap<>();
  private final Map<String, Set<String>> idempotent = new HashMap<>();
  /**
   * Replicas at whose address a consumer of another node is registered (see {@link #setContested}):
   * no call, and no warm-up ping, goes there. Read by first callers too.
   */
  private final Set<String> contested = ConcurrentHashMap.newKeySet();
  private final Set<String> panicking = new HashSet<>();
  private volatile ReplicaView view = ReplicaView.EMPTY; // written on the balancer's loop, read by first callers too

  /**
   * @param loop     the balancer's loop, where the table is changed
   * @param rejected where refusals of what strangers did are logged, at most once a period
   * @param events   where breaker, membership, ejection and panic changes are recorded for the dashboard
   * @param warmed   told when a connection a warm-up opened is up (or failed); any thread
   */
  RouteTable(Vertx vertx, Context loop, String nodeId, MeshOptions options, Clock clock, RelayedReplies relayedReplies,
             ForeignConsumerWatch foreignConsumers, RateLimitedLog rejected, MeshEvents events, Runnable warmed) {
    this.vertx = vertx;
    this.loop = loop;
    this.nodeId = nodeId;
    this.options = options;
    this.clock = clock;
    this.relayedReplies = relayedReplies;
    this.foreignConsumers = foreignConsumers;
    this.rejected = rejected;
    this.events = events;
    this.warmer = new ConnectionWarmer(vertx.eventBus(), nodeId, warmed);
    this.clients = new ReplicaClients(vertx, loop, options, clock, this::breakerChanged, replica -> {
      ServiceRoute route = routes.get(replica.service());
      ContextInternal caller = route == null ? null : route.caller();
      if (caller != null) {
        warm(replica, caller); // else its first caller will
      }
      loop.runOnContext(v -> checkForeignConsumers(replica.address())); // a stranger may have registered first
    });
  }

  /** The route of the service called {@code address} if this node has called it; any thread. */
  ServiceRoute activeRoute(String address) {
    ServiceRoute route = routes.get(address);
    return route != null && route.isActive() ? route : null;
  }

  /** The route of the service called {@code address}, active or not, or null; any thread. */
  ServiceRoute route(String service) {
    return routes.get(service);
  }

  /**
   * Notes a call to {@code route} on an event loop, on the caller's thread: the first caller of a
   * service opens the connections to its replicas' nodes, so that they are written on its loop.
   */
  void calledFrom(ServiceRoute route, ContextInternal caller) {
    if (route.firstCaller(caller)) {
      for (Replica replica : view.replicas(route.service())) {
        warm(replica, caller);
      }
    }
  }

  /** Opens the connection to {@code replica}'s node from {@code caller}'s loop, unless a stranger shares its address. */
  private void warm(Replica replica, ContextInternal caller) {
    if (!contested.contains(replica.address())) {
      warmer.warm(replica, caller);
    }
  }

  Iterable<ServiceRoute> routes() {
    return routes.values();
  }

  ReplicaClients clients() {
    return clients;
  }

  /** The replicas of an active service as call paths; empty for others. */
  List<ReplicaClient> registered(String service) {
    return registered.getOrDefault(service, List.of());
  }

  /**
   * The route of {@code service}, made and listening on its name if this node had none. Its first
   * call reaches that local consumer, here on the balancer's loop, which activates the route; from
   * then on calls are routed on their callers' loops.
   */
  ServiceRoute ensure(String service, boolean configured) {
    ServiceRoute route = routes.get(service);
    if (route == null) {
      route = new ServiceRoute(service, options.forService(service), clock, Timers.of(vertx), relayedReplies);
      ServiceRoute made = route;
      consumers.put(service, vertx.eventBus().localConsumer(service, call -> firstCalls(made, call)));
      routes.put(service, route);
      order.add(service);
      if (configured) {
        activate(route);
      }
      checkForeignConsumers(service);
    }
    return route;
  }

  /** Calls that reach the service name's consumer: a route's first, and those from threads that are not event loops. */
  private void firstCalls(ServiceRoute route, Message<Object> call) {
    calledFrom(route, (ContextInternal) loop); // no caller on an event loop yet: connections are opened from here
    activate(route);
    VertxTracer<?, ?> tracer = ((ContextInternal) loop).tracer();
    route.route(call, call.body(), false,
        tracer == null ? null : CallTrace.received(tracer, ContextInternal.current()));
  }

  /**
   * Gives the route its call paths and its first snapshot, and only then opens it to calls on their
   * callers' loops, which would otherwise find no replica while this loop is still at it.
   */
  private void activate(ServiceRoute route) {
    if (route.isActive()) {
      return;
    }
    List<Replica> replicas = view.replicas(route.service());
    if (!replicas.isEmpty()) {
      registered.put(route.service(), replicas.stream().map(clients::of).toList());
      idempotent.put(route.service(), commonIdempotent(replicas));
    }
    refresh(route);
    route.activate();
  }

  /** Takes a new view: routes for new services, new call paths where replicas changed, departures noted. */
  void viewChanged(ReplicaView next) {
    ReplicaView previous = view;
    view = next;
    for (String service : next.services()) {
      ServiceRoute route = ensure(service, false);
      List<Replica> replicas = next.replicas(service);
      List<ReplicaClient> current = registered.get(service);
      boolean unchanged = current != null && current.size() == replicas.size()
          && current.stream().map(ReplicaClient::replica).toList().equals(replicas);
      // Breakers, load and metrics only for services this node calls: the view may name many it never will.
      if (!unchanged && route.isActive()) {
        recordMembership(service, current, replicas);
        registered.put(service, replicas.stream().map(clients::of).toList());
        idempotent.put(service, commonIdempotent(replicas));
      }
    }
    registered.keySet().removeIf(service -> !next.services().contains(service));
    refresh();
    for (String service : previous.services()) {
      for (Replica r : previous.replicas(service)) {
        if (!next.contains(r.address())) {
          clients.departed(r.address(), view::contains, contested::remove);
        }
      }
    }
    pruneIdle();
  }

  /**
   * Records the replicas of a called service that joined or left its view: one event each, or one
   * for all when many change at once (a service's first call, a large deployment).
   */
  private void recordMembership(String service, List<ReplicaClient> before, List<Replica> after) {
    Set<String> left = new HashSet<>();
    if (before != null) {
      before.forEach(client -> left.add(client.replica().address()));
    }
    List<Replica> joined = new ArrayList<>();
    for (Replica replica : after) {
      if (!left.remove(replica.address())) {
        joined.add(replica);
      }
    }
    if (joined.size() + left.size() > MEMBERSHIP_EVENTS_PER_CHANGE) {
      events.record(MeshEvents.Kind.REPLICA_JOINED, service, joined.size() + " replica(s) joined, " + left.size()
          + " left; " + after.size() + " in the view");
      return;
    }
    joined.forEach(replica -> events.record(MeshEvents.Kind.REPLICA_JOINED, service, "replica " + replica.address()
        + " (node " + replica.nodeId() + ") joined"));
    left.forEach(address -> events.record(MeshEvents.Kind.REPLICA_LEFT, service, "replica " + address
        + " left (drained, or its node left)"));
  }

  /** Fails at once the attempts in flight to replicas of a node that left: their answers will never come. */
  void nodeLeft(String departedNode) {
    clients.nodeLeft(departedNode);
    warmer.forget(departedNode);
  }

  /** Recomputes availability and panic of every active service and publishes each route's snapshot. */
  void refresh() {
    for (ServiceRoute route : routes.values()) {
      if (route.isActive()) {
        refresh(route);
      }
    }
    available.keySet().retainAll(registered.keySet());
    panicking.retainAll(registered.keySet());
  }

  private void refresh(ServiceRoute route) {
    String service = route.service();
    List<ReplicaClient> replicas = registered.getOrDefault(service, List.of());
    Availability<ReplicaClient> next = Availability.of(replicas, ReplicaClient::breakerState, route.ejected(),
        contested, available.get(service));
    available.put(service, next.available());
    setPanic(service, next.panicking());
    RouteSnapshot current = route.snapshot();
    if (current.registered() != replicas || current.available() != next.available()
        || current.panicking() != next.panicking()) {
      route.publish(new RouteSnapshot(replicas, next.available(), next.panicking(),
          idempotent.getOrDefault(service, Set.of())));
    }
  }

  /** Methods that every replica declares {@code @Idempotent}: the cautious answer while they disagree (a rolling upgrade). */
  private static Set<String> commonIdempotent(List<Replica> replicas) {
    Set<String> common = new HashSet<>(replicas.get(0).idempotentMethods());
    replicas.forEach(r -> common.retainAll(r.idempotentMethods()));
    return Set.copyOf(common);
  }

  private void setPanic(String service, boolean panic) {
    if (panic && panicking.add(service)) {
      log.warn("No replica of service '" + service + "' has a closed circuit breaker; balancing over all of them,"
          + " refusing breakers bypassed, until one closes again (panic mode)");
      events.record(MeshEvents.Kind.PANIC, service, "panic: no replica has a closed breaker, calls go to all");
    } else if (!panic && panicking.remove(service)) {
      log.info("Service '" + service + "' has a replica with a closed breaker again; panic mode over");
      events.record(MeshEvents.Kind.PANIC_OVER, service, "panic over: a replica's breaker closed");
    }
  }

  /** A replica's breaker changed state (told on this loop). */
  void breakerChanged(Replica replica, CircuitBreakerState state) {
    refresh();
    log.info("Circuit breaker of replica " + replica.address() + " of service '" + replica.service() + "' is now " + state);
    events.record(switch (state) {
      case OPEN -> MeshEvents.Kind.BREAKER_OPEN;
      case HALF_OPEN -> MeshEvents.Kind.BREAKER_HALF_OPEN;
      case CLOSED -> MeshEvents.Kind.BREAKER_CLOSED;
    }, replica.service(), "breaker of replica " + replica.address() + " " + switch (state) {
      case OPEN -> "opened";
      case HALF_OPEN -> "half-open: one probe call let through";
      case CLOSED -> "closed";
    });
    vertx.eventBus().publish(MeshProtocol.BREAKER_ADDRESS, new JsonObject().put("node", nodeId)
        .put("service", replica.service()).put("replica", replica.address()).put("state", state.name()));
  }

  /** Rolls every replica's metrics window on and re-evaluates every service's outliers; every second. */
  void tick() {
    long now = clock.nanoTime();
    clients.all().forEach(client -> {
      client.load().window().roll();
      client.load().refresh(now);
    });
    boolean changed = false;
    for (ServiceRoute route : routes.values()) {
      if (route.evaluateOutliers()) {
        changed = true;
        log.info("Outliers ejected from service '" + route.service() + "': " + route.ejected());
        events.record(MeshEvents.Kind.EJECTED, route.service(), route.ejected().isEmpty() ? "no replica ejected any more"
            : "ejected as outliers: " + String.join(", ", route.ejected()));
      }
    }
    if (changed) {
      refresh();
    }
  }

  /**
   * Switches {@code service} to another strategy on this node.
   *
   * @throws IllegalArgumentException if {@code factory} cannot make it with {@code settings}
   */
  void useStrategy(String service, String name, StrategyFactory factory, JsonObject settings) {
    ensure(service, false).useStrategy(name, factory, settings);
  }

  /**
   * Closes the oldest routes of services that left the view, beyond {@value #IDLE_ROUTES_KEPT}, if
   * this node never called them: a caller of a vanished service still gets a clear "no replica"
   * error, but names that came and went cannot pile up.
   */
  private void pruneIdle() {
    int idle = routes.size() - view.services().size();
    var names = order.iterator();
    while (idle > IDLE_ROUTES_KEPT && names.hasNext()) {
      String service = names.next();
      ServiceRoute route = routes.get(service);
      if (!view.services().contains(service) && !route.isActive()) {
        names.remove();
        routes.remove(service);
        consumers.remove(service).unregister();
        idle--;
      }
    }
  }

  /**
   * Re-reads the plain consumers on the name of every service this node calls. The Hazelcast events that
   * report them can be lost while a member joins (seen in a test: one of four nodes heard of a consumer
   * that a member registered right after joining), so the balancer does this every resync period too.
   */
  void recheckForeignConsumers() {
    for (ServiceRoute route : routes.values()) {
      if (route.isActive()) {
        checkForeignConsumers(route.service());
      }
    }
  }

  /** Re-reads the plain consumers on a service name or replica address (never on the path of a call). */
  void checkForeignConsumers(String address) {
    ServiceRoute route = routes.get(address);
    if (route != null) {
      OnLoop.of(loop, foreignConsumers.consumersOn(address))
          .onSuccess(route::setForeignConsumers)
          .onFailure(err -> log.debug("Could not read the consumers of '" + address + "': " + err.getMessage()));
      return;
    }
    ReplicaClient client = clients.get(address);
    if (client != null && view.contains(address)) {
      OnLoop.of(loop, foreignConsumers.consumersOn(address))
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
    refresh();
  }
}
