package io.busmesh.impl.balance;

import io.busmesh.ReplicaMetrics;
import io.busmesh.ServiceMetrics;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.metrics.CallWindow;
import io.busmesh.impl.metrics.MeshEvents;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One frame of the live dashboard a second: per service this node calls, its calls per second,
 * success ratio, latency, retries, hedges and budget, and per replica its node, cluster-wide and local
 * in-flight, latency, error rate, breaker, ejection and warmth; then the events since the last frame.
 * Rates come from the monotonic totals the balancer keeps anyway (attempt counts, retry and hedge
 * adders), differenced between frames. Runs on the balancer's loop; nothing here is on a call's path.
 */
final class DashboardFeed {

  private final String nodeId;
  private final RouteTable routes;
  private final MetricsPublisher metrics;
  private final MeshEvents events;
  private final Clock clock;
  private final int maxReplicasShown;
  /** Last frame's totals per service and per replica address, to difference into rates. */
  private final Map<String, Totals> previousServices = new HashMap<>();
  private final Map<String, Totals> previousReplicas = new HashMap<>();
  private long previousNanos;
  private long lastEvent;

  DashboardFeed(String nodeId, RouteTable routes, MetricsPublisher metrics, MeshEvents events, Clock clock,
                int maxReplicasShown) {
    this.nodeId = nodeId;
    this.routes = routes;
    this.metrics = metrics;
    this.events = events;
    this.clock = clock;
    this.maxReplicasShown = maxReplicasShown;
    this.previousNanos = clock.nanoTime();
  }

  /** The frame now, with the events recorded since the last frame. */
  JsonObject frame() {
    long now = clock.nanoTime();
    double seconds = Math.max(1e-3, (now - previousNanos) / 1e9);
    previousNanos = now;
    JsonArray services = new JsonArray();
    Set<String> seenServices = new HashSet<>();
    Set<String> seenReplicas = new HashSet<>();
    List<ServiceRoute> active = new ArrayList<>();
    routes.routes().forEach(route -> {
      if (route.isActive()) {
        active.add(route);
      }
    });
    active.sort(Comparator.comparing(ServiceRoute::service));
    for (ServiceRoute route : active) {
      seenServices.add(route.service());
      services.add(service(route, seconds, seenReplicas));
    }
    previousServices.keySet().retainAll(seenServices);
    previousReplicas.keySet().retainAll(seenReplicas);
    JsonArray recent = events.since(lastEvent);
    if (!recent.isEmpty()) {
      lastEvent = recent.getJsonObject(recent.size() - 1).getLong("seq");
    }
    return new JsonObject().put("node", nodeId).put("services", services).put("events", recent);
  }

  private JsonObject service(ServiceRoute route, double seconds, Set<String> seenReplicas) {
    String service = route.service();
    ServiceMetrics figures = metrics.metricsOf(service);
    Map<String, ReplicaMetrics> byAddress = new HashMap<>();
    figures.replicas().forEach(r -> byAddress.put(r.address(), r));
    List<ReplicaClient> clients = new ArrayList<>(routes.registered(service));
    clients.sort(Comparator.comparing(c -> c.replica().address()));

    Totals serviceNow = new Totals(0, 0, 0, route.retries().sum(), route.hedgesSent().sum());
    JsonArray replicas = new JsonArray();
    for (ReplicaClient client : clients) {
      String address = client.replica().address();
      CallWindow.Totals totals = client.load().window().totals();
      serviceNow = serviceNow.plus(totals);
      Totals replicaNow = new Totals(totals.succeeded(), totals.applicationErrors(), totals.faults(), 0, 0);
      Totals replicaBefore = previousReplicas.put(address, replicaNow);
      seenReplicas.add(address);
      if (replicas.size() < maxReplicasShown) {
        replicas.add(replica(client, byAddress.get(address), route.ejected().contains(address), replicaNow,
            replicaBefore, seconds));
      }
    }
    Totals serviceBefore = previousServices.put(service, serviceNow);
    // A replica that left takes its totals with it: that second has no rate rather than a negative one.
    Totals delta = serviceBefore == null || serviceNow.attempts() < serviceBefore.attempts() ? null
        : serviceNow.minus(serviceBefore);
    long attempts = delta == null ? 0 : delta.attempts();
    return new JsonObject()
        .put("service", service)
        .put("strategy", route.strategyName())
        .put("panic", route.snapshot().panicking())
        .put("replicaCount", clients.size())
        .put("callsPerSec", delta == null ? 0 : Math.max(0, attempts - delta.retries - delta.hedges) / seconds)
        .put("attemptsPerSec", attempts / seconds)
        .put("successRatio", attempts == 0 ? null : Math.min(1, Math.max(0, (double) delta.ok / attempts)))
        .put("retriesPerSec", delta == null ? 0 : delta.retries / seconds)
        .put("hedgesPerSec", delta == null ? 0 : delta.hedges / seconds)
        .put("p50Ms", figures.calls() == 0 ? null : figures.p50Us() / 1e3)
        .put("p99Ms", figures.calls() == 0 ? null : figures.p99Us() / 1e3)
        .put("inFlight", route.inFlight())
        .put("retries", serviceNow.retries)
        .put("hedges", serviceNow.hedges)
        .put("breakerRefusals", route.breakerRefusals().sum())
        .put("budgetExhausted", route.budgetExhausted().sum())
        .put("budgetCalls", figures.budgetCalls())
        .put("budgetRetries", figures.budgetRetries())
        .put("loadViewAgeMs", figures.loadViewAgeMs())
        .put("replicasNotShown", Math.max(0, clients.size() - replicas.size()))
        .put("replicas", replicas);
  }

  private static JsonObject replica(ReplicaClient client, ReplicaMetrics figures, boolean ejected, Totals now,
                                    Totals before, double seconds) {
    JsonObject json = new JsonObject()
        .put("address", client.replica().address())
        .put("node", client.replica().nodeId())
        .put("breaker", client.breakerState().name())
        .put("ejected", ejected)
        .put("attempts", now.attempts())
        .put("attemptsPerSec", before == null ? 0 : Math.max(0, now.attempts() - before.attempts()) / seconds);
    if (figures != null) {
      json.put("inFlight", figures.inFlight())
          .put("localInFlight", figures.localInFlight())
          .put("latencyMs", figures.latencyEwmaUs() / 1e3)
          .put("p99Ms", figures.calls() == 0 ? null : figures.p99Us() / 1e3)
          .put("errorRate", figures.errorRate())
          .put("warmth", figures.warmth());
    }
    return json;
  }

  /** Monotonic counts: attempts by outcome, and a service's retries and hedges. */
  private record Totals(long ok, long errors, long faults, long retries, long hedges) {

    long attempts() {
      return ok + errors + faults;
    }

    Totals plus(CallWindow.Totals window) {
      return new Totals(ok + window.succeeded(), errors + window.applicationErrors(), faults + window.faults(), retries,
          hedges);
    }

    Totals minus(Totals earlier) {
      return new Totals(ok - earlier.ok, errors - earlier.errors, faults - earlier.faults, retries - earlier.retries,
          hedges - earlier.hedges);
    }
  }
}
