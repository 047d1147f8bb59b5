package io.busmesh.balance;

import io.busmesh.fault.RetryBudget;
import io.busmesh.metrics.CallWindow;
import io.busmesh.metrics.ReplicaMetrics;
import io.busmesh.metrics.ServiceMetrics;

import java.util.ArrayList;
import java.util.List;

/** Builds a service's seed metrics (S, T, E, P) from its replicas' figures; runs on the balancer's event loop. */
final class MetricsReport {

  private MetricsReport() {
  }

  static ServiceMetrics of(String service, String strategy, List<ReplicaClient> replicas, long loadViewAgeMs,
                           RetryBudget budget) {
    CallWindow.WindowFigures total = new CallWindow.WindowFigures();
    List<ReplicaMetrics> perReplica = new ArrayList<>(replicas.size());
    double inFlightSum = 0;
    for (ReplicaClient client : replicas) {
      ReplicaMetrics metrics = client.load().metrics(total, client.breakerState().name());
      perReplica.add(metrics);
      inFlightSum += metrics.inFlight();
    }
    double load = replicas.isEmpty() ? 0 : inFlightSum / replicas.size();
    return new ServiceMetrics(service, strategy, load, total.calls(), total.latencyMicros().getMean(),
        total.latencyMicros().getValueAtPercentile(50), total.latencyMicros().getValueAtPercentile(99),
        total.errorRate(), total.faultRate(), loadViewAgeMs, budget == null ? 0 : budget.clusterCalls(),
        budget == null ? 0 : budget.clusterRetries(), perReplica);
  }
}
