package io.busmesh.impl.balance;

import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.busmesh.ServiceMetrics;
import io.busmesh.impl.load.Clock;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * The seed metrics of each service on this node ({@link ServiceMetrics}), on demand and published
 * every metrics period on {@link MeshProtocol#METRICS_ADDRESS} for the services this node calls.
 * Runs on the balancer's loop.
 */
final class MetricsPublisher {

  private final Vertx vertx;
  private final String nodeId;
  private final MeshOptions options;
  private final RouteTable routes;
  private final Clock clock;
  private final LongUnaryOperator loadViewAgeNanos;

  /** @param loadViewAgeNanos how old the shared load view is at a given time; Long.MAX_VALUE before the first read */
  MetricsPublisher(Vertx vertx, String nodeId, MeshOptions options, RouteTable routes, Clock clock,
                   LongUnaryOperator loadViewAgeNanos) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.options = options;
    this.routes = routes;
    this.clock = clock;
    this.loadViewAgeNanos = loadViewAgeNanos;
  }

  ServiceMetrics metricsOf(String service) {
    ServiceRoute route = routes.route(service);
    long ageNanos = loadViewAgeNanos.applyAsLong(clock.nanoTime());
    long ageMs = ageNanos == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(ageNanos);
    if (route == null) {
      return MetricsReport.unrouted(service, options.forService(service).getStrategy(), ageMs, 0);
    }
    if (!route.isActive()) {
      return MetricsReport.unrouted(service, route.strategyName(), ageMs, route.foreignConsumers().size());
    }
    return MetricsReport.of(route, routes.registered(service), ageMs);
  }

  /** Publishes the metrics of every service this node calls that has replicas. */
  void publish() {
    for (ServiceRoute route : routes.routes()) {
      if (!routes.registered(route.service()).isEmpty()) {
        vertx.eventBus().publish(MeshProtocol.METRICS_ADDRESS, metricsOf(route.service()).toJson().put("node", nodeId));
      }
    }
  }
}
