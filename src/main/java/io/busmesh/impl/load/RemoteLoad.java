package io.busmesh.impl.load;

import java.util.Map;

/**
 * The other nodes' in-flight counts per replica address, as read from the cluster map.
 *
 * @param inFlightByReplica sum over the other live nodes of their last published counts
 * @param budgetByService   sum over the other live nodes of their retry-budget [calls, retries] per service
 * @param readAtNanos       when the read started: the data is at most one publish period older
 */
public record RemoteLoad(Map<String, Long> inFlightByReplica, Map<String, long[]> budgetByService, long readAtNanos) {

  public static final RemoteLoad NONE = new RemoteLoad(Map.of(), Map.of(), Long.MIN_VALUE);

  /** The other nodes' [calls, retries] for {@code service}. */
  public long[] budget(String service) {
    return budgetByService.getOrDefault(service, new long[2]);
  }

  public long inFlight(String replicaAddress) {
    return inFlightByReplica.getOrDefault(replicaAddress, 0L);
  }
}
