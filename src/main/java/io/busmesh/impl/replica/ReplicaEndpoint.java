package io.busmesh.impl.replica;

import io.busmesh.Publication;
import io.busmesh.PublishOptions;
import io.busmesh.Replica;
import io.busmesh.impl.registry.ReplicaRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceInterceptor;

/**
 * A replica served by this node: the generated proxy handler at the replica's own clustered
 * address, behind a {@link CallGuard} (and a {@link CallerCheck} when it requires authentication;
 * see {@link ReplicaDispatcher}), and its registry entry.
 */
public final class ReplicaEndpoint implements Publication {

  private static final Logger log = LoggerFactory.getLogger(ReplicaEndpoint.class);

  private final Vertx vertx;
  private final ReplicaRegistry registry;
  private final ServedReplicas served;
  private final Replica replica;
  private final CallGuard guard;
  private final MessageConsumer<JsonObject> consumer;
  private final long drainTimeoutMs;
  private Future<Void> closing;

  private ReplicaEndpoint(Vertx vertx, ReplicaRegistry registry, ServedReplicas served, Replica replica, CallGuard guard,
                          MessageConsumer<JsonObject> consumer, long drainTimeoutMs) {
    this.vertx = vertx;
    this.registry = registry;
    this.served = served;
    this.replica = replica;
    this.guard = guard;
    this.consumer = consumer;
    this.drainTimeoutMs = drainTimeoutMs;
  }

  /**
   * Binds {@code impl} at the replica's address, behind the caller check {@code options} ask for,
   * waits until the binding is known cluster-wide, then registers the replica, so no balancer learns
   * of it before it can answer.
   */
  public static <T> Future<Publication> publish(Vertx vertx, ReplicaRegistry registry, ServedReplicas served,
                                                Replica replica, Class<T> iface, T impl, PublishOptions options,
                                                long drainTimeoutMs) {
    if (options.getAuthentication() == null && options.getRequiredAuthorization() != null) {
      return Future.failedFuture(new IllegalArgumentException("Cannot publish a replica of service '" + replica.service()
          + "': its PublishOptions require an authorization but no authentication, and a call with no authenticated"
          + " caller must not pass. Set PublishOptions.setAuthentication(provider) too"));
    }
    CallGuard guard = new CallGuard(replica.service(), replica.address(), GeneratedHandler.methodsOf(iface));
    ReplicaDispatcher dispatcher;
    try {
      // Before the guard: a refused caller costs no in-flight count and no drain wait (see CallerCheck).
      ServiceInterceptor callerCheck = options.getAuthentication() == null ? null : CallerCheck.create(replica, options);
      dispatcher = new ReplicaDispatcher(vertx, replica.address(), callerCheck, guard, GeneratedHandler.create(vertx, iface, impl));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(replica.address(), dispatcher);
    ReplicaEndpoint endpoint = new ReplicaEndpoint(vertx, registry, served, replica, guard, consumer, drainTimeoutMs);
    return consumer.completion()
        .compose(v -> registry.add(replica))
        .map(v -> {
          served.add(endpoint);
          return (Publication) endpoint;
        })
        .onFailure(err -> consumer.unregister());
  }

  @Override
  public Replica replica() {
    return replica;
  }

  @Override
  public int inFlight() {
    return guard.inFlight();
  }

  /** The load this replica sees, shared by its node with the callers. */
  ServedReplicas.Load load() {
    return new ServedReplicas.Load(replica, guard.inFlight(), guard.windowCalls(), guard.windowRetries());
  }

  @Override
  public synchronized Future<Void> close() {
    if (closing == null) {
      // Registry first (and every balancer's acknowledgement), so no new call is routed here;
      // then the calls already here finish; only then the address goes away. Unregistering
      // earlier would drop calls in transit silently (the sender would only see a timeout).
      closing = registry.remove(replica)
          .recover(err -> {
            log.warn("Could not remove replica " + replica.address() + " from the registry: " + err.getMessage());
            return Future.succeededFuture();
          })
          .compose(v -> {
            guard.startDraining(); // a straggler sent before the removal is refused, and so retried elsewhere
            return guard.whenIdle(vertx, drainTimeoutMs);
          })
          .recover(err -> {
            log.warn("Closing before the drain ended: " + err.getMessage());
            return Future.succeededFuture();
          })
          .compose(v -> consumer.unregister())
          .onComplete(ar -> served.remove(this));
    }
    return closing;
  }
}
