package io.busmesh;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A service's seed metrics as one node sees them: load S, response time T, error rate E and fault
 * rate P over the recent window, with the per-replica figures they come from.
 *
 * @param service          the service name
 * @param strategy         the balancing strategy in use on this node
 * @param load             S: mean cluster-wide in-flight calls per replica
 * @param calls            calls that ended in the window
 * @param meanUs           T: mean response time, µs
 * @param p50Us            T: median, µs
 * @param p99Us            T: 99th percentile, µs
 * @param errorRate        E: share of calls that failed
 * @param faultRate        P: share of calls that needed fault handling
 * @param loadViewAgeMs    how old the shared in-flight view is: time since the other nodes' counts
 *                         were last read (they were published at most one publish period before)
 * @param budgetCalls      calls in the retry budget's window, cluster-wide
 * @param budgetRetries    retries in the retry budget's window, cluster-wide
 * @param foreignConsumers plain (non-mesh) event-bus consumers registered on the service name, which
 *                         take a share of the calls past the mesh; should be 0 (see the README's migration section)
 * @param replicas         per-replica figures, by address
 */
public record ServiceMetrics(String service, String strategy, double load, long calls, double meanUs, double p50Us,
                             double p99Us, double errorRate, double faultRate, long loadViewAgeMs,
                             long budgetCalls, long budgetRetries, int foreignConsumers, List<ReplicaMetrics> replicas) {

  public JsonObject toJson() {
    JsonArray perReplica = new JsonArray();
    replicas.forEach(r -> perReplica.add(r.toJson()));
    return new JsonObject().put("service", service).put("strategy", strategy).put("load", load).put("calls", calls)
        .put("meanUs", meanUs).put("p50Us", p50Us).put("p99Us", p99Us).put("errorRate", errorRate)
        .put("faultRate", faultRate).put("loadViewAgeMs", loadViewAgeMs).put("budgetCalls", budgetCalls)
        .put("budgetRetries", budgetRetries).put("foreignConsumers", foreignConsumers).put("replicas", perReplica);
  }
}
