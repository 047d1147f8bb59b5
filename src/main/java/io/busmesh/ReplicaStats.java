package io.busmesh;

import io.vertx.core.json.JsonObject;

/**
 * What this node has seen of its calls to one replica since it joined the mesh.
 *
 * @param address   the replica's address
 * @param inFlight  calls sent and not yet answered
 * @param succeeded calls answered with a result
 * @param failed    calls that ended in any failure: an application error, a timeout, no handler
 * @param lastSentAtMillis when this node last sent it a call (epoch millis), or 0 if it never did
 */
public record ReplicaStats(String address, long inFlight, long succeeded, long failed, long lastSentAtMillis) {

  /** Calls that ended, either way. */
  public long completed() {
    return succeeded + failed;
  }

  public JsonObject toJson() {
    return new JsonObject().put("address", address).put("inFlight", inFlight)
        .put("succeeded", succeeded).put("failed", failed).put("lastSentAtMillis", lastSentAtMillis);
  }
}
