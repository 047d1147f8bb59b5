package io.busmesh.impl.replica;

import io.busmesh.Replica;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicas this node serves, with the load they see: the figures its balancer shares with the
 * callers, who cannot see each other's calls (see {@code LoadExchange}). Any thread.
 */
public final class ServedReplicas {

  /**
   * One replica's load as the replica itself counts it.
   *
   * @param inFlight calls it is executing, from every caller
   * @param calls    first attempts it received over the retry-budget window
   * @param retries  retries it received over the same window
   */
  public record Load(Replica replica, int inFlight, long calls, long retries) {
  }

  private final Set<ReplicaEndpoint> endpoints = ConcurrentHashMap.newKeySet();

  void add(ReplicaEndpoint endpoint) {
    endpoints.add(endpoint);
  }

  void remove(ReplicaEndpoint endpoint) {
    endpoints.remove(endpoint);
  }

  /** How many replicas this node serves now. */
  public int count() {
    return endpoints.size();
  }

  /** Each served replica's load now. */
  public List<Load> loads() {
    List<Load> loads = new ArrayList<>(endpoints.size());
    endpoints.forEach(e -> loads.add(e.load()));
    return loads;
  }
}
