package io.busmesh;

import io.vertx.core.json.JsonObject;

/**
 * One replica as this node's balancer sees it, over the recent metrics window.
 *
 * @param address        the replica's address
 * @param inFlight       cluster-wide calls in flight (this node's live count merged with the shared view)
 * @param localInFlight  this node's own calls in flight
 * @param latencyEwmaUs  peak EWMA of successful-call latency, µs
 * @param serviceEwmaUs  peak EWMA of the service time the replica reports in its replies, µs
 * @param calls          calls that ended in the window
 * @param meanUs         response time T: mean, µs
 * @param p50Us          response time T: median, µs
 * @param p99Us          response time T: 99th percentile, µs
 * @param errorRate      E: share of calls that failed, any way
 * @param faultRate      P: share of calls that needed fault handling (timeout, no handler, lost node)
 * @param warmth         slow-start factor, 1 when warm
 * @param breaker        state of this node's circuit breaker for the replica: CLOSED, OPEN or HALF_OPEN
 */
public record ReplicaMetrics(String address, double inFlight, long localInFlight, double latencyEwmaUs, double serviceEwmaUs, long calls,
                             double meanUs, double p50Us, double p99Us, double errorRate, double faultRate,
                             double warmth, String breaker) {

  public JsonObject toJson() {
    return new JsonObject().put("address", address).put("inFlight", inFlight).put("localInFlight", localInFlight)
        .put("latencyEwmaUs", latencyEwmaUs).put("serviceEwmaUs", serviceEwmaUs).put("calls", calls).put("meanUs", meanUs).put("p50Us", p50Us)
        .put("p99Us", p99Us).put("errorRate", errorRate).put("faultRate", faultRate).put("warmth", warmth).put("breaker", breaker);
  }
}
