package io.busmesh.impl.balance;

import io.busmesh.ReplicaMetrics;
import io.busmesh.ServiceMetrics;
import io.busmesh.impl.fault.RetryBudget;
import io.busmesh.impl.metrics.CallWindow;

import java.util.ArrayList;
import java.util.List;

/** Builds a service's seed metrics (S, T, E, P) from its replicas' figures; runs on the balancer's event loop. */
final class MetricsReport {

  /** The latency percentiles of the seed metrics: median and 99th. */
  static final double[] PERCENTILES = {0.5, 0.99};

  private MetricsReport() {
  }

  static ServiceMetrics of(ServiceRoute route, List<ReplicaClient> replicas, long loadViewAgeMs) {
    List<ReplicaMetrics> perReplica = new ArrayList<>(replicas.size());
    double inFlightSum = 0;
    for (ReplicaClient client : replicas) {
      ReplicaMetrics metrics = client.load().metrics(client.breakerState().name());
      perReplica.add(metrics);
      inFlightSum += metrics.inFlight();
    }
    double load = replicas.isEmpty() ? 0 : inFlightSum / replicas.size();
    CallWindow.Figures total = CallWindow.combined(replicas.stream().map(c -> c.load().window()).toList(), PERCENTILES);
    RetryBudget budget = route.budget();
    return new ServiceMetrics(route.service(), route.strategyName(), load, total.calls(), total.meanMicros(),
        total.percentileMicros(0.5), total.percentileMicros(0.99), total.errorRate(), total.faultRate(),
        loadViewAgeMs, budget.clusterCalls(), budget.clusterRetries(), route.foreignConsumers().size(), perReplica);
  }

  /** A service this node has never routed a call for ({@code foreignConsumers}: plain consumers seen on its name). */
  static ServiceMetrics unrouted(String service, String strategy, long loadViewAgeMs, int foreignConsumers) {
    return new ServiceMetrics(service, strategy, 0, 0, 0, 0, 0, 0, 0, loadViewAgeMs, 0, 0, foreignConsumers, List.of());
  }
}
