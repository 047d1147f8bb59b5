package io.busmesh;

import io.vertx.core.json.JsonObject;

/**
 * What this node has seen of its calls to one replica since it joined the mesh.
 *
 * @param address   the replica's address
 * @param inFlight  calls sent and not yet answered
 * @param succeeded calls answered with a result
 * @param failed    calls that ended in any failure: an application error, a timeout, no handler
 */
public record ReplicaStats(String address, long inFlight, long succeeded, long failed) {

  /** Calls that ended, either way. */
  public long completed() {
    return succeeded + failed;
  }

  public JsonObject toJson() {
    return new JsonObject().put("address", address).put("inFlight", inFlight)
        .put("succeeded", succeeded).put("failed", failed);
  }
}
