package io.busmesh.test;

import io.busmesh.Mesh;
import io.busmesh.ReplicaMetrics;
import io.busmesh.ServiceMetrics;

import java.util.concurrent.TimeUnit;

/** Reads a node's metrics from a test thread, bounded in time, for use in {@link Await} conditions. */
public final class MetricsProbe {

  private MetricsProbe() {
  }

  public static ServiceMetrics metrics(Mesh mesh, String service) {
    try {
      return mesh.metrics(service).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot read the metrics of " + service, e);
    }
  }

  /** Cluster-wide calls in flight on one replica, as {@code mesh} sees them (0 if it does not know the replica). */
  public static double inFlight(Mesh mesh, String service, String replicaAddress) {
    return metrics(mesh, service).replicas().stream()
        .filter(r -> r.address().equals(replicaAddress)).mapToDouble(ReplicaMetrics::inFlight).sum();
  }
}
