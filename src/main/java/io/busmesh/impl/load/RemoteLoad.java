package io.busmesh.impl.load;

import java.util.Map;

/**
 * The load of other nodes' replicas, as their nodes last published it (see {@link LoadExchange}).
 *
 * @param inFlightByReplica per replica read, the calls it is executing, from every caller
 * @param budgetByService   per service, the [first attempts, retries] its replicas on the nodes read received
 * @param readAtNanos       when the read started: the data is at most one publish period older
 */
public record RemoteLoad(Map<String, Long> inFlightByReplica, Map<String, long[]> budgetByService, long readAtNanos) {

  public static final RemoteLoad NONE = new RemoteLoad(Map.of(), Map.of(), Long.MIN_VALUE);

  /** The [first attempts, retries] of {@code service} at the replicas read. */
  public long[] budget(String service) {
    return budgetByService.getOrDefault(service, new long[2]);
  }

  /** The calls executing at the replica, or -1 if its node's entry was not read or not valid. */
  public long inFlight(String replicaAddress) {
    return inFlightByReplica.getOrDefault(replicaAddress, -1L);
  }
}
