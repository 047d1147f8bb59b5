package io.busmesh.impl.registry;

import io.busmesh.Replica;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An immutable snapshot of which replicas serve which service, as one node sees it. The balancer
 * swaps the whole snapshot on every change, so a call reads one reference and never locks.
 */
public final class ReplicaView {

  public static final ReplicaView EMPTY = new ReplicaView(Map.of());

  private final Map<String, Replica> byAddress;
  private final Map<String, List<Replica>> byService;

  private ReplicaView(Map<String, Replica> byAddress) {
    this.byAddress = byAddress;
    Map<String, List<Replica>> grouped = new HashMap<>();
    for (Replica r : byAddress.values()) {
      grouped.computeIfAbsent(r.service(), s -> new ArrayList<>()).add(r);
    }
    // A stable order keeps round robin fair and makes views equal across nodes.
    grouped.replaceAll((s, list) -> {
      list.sort(Comparator.comparing(Replica::address));
      return List.copyOf(list);
    });
    this.byService = Map.copyOf(grouped);
  }

  public static ReplicaView of(Collection<Replica> replicas) {
    Map<String, Replica> byAddress = new HashMap<>();
    replicas.forEach(r -> byAddress.put(r.address(), r));
    return new ReplicaView(byAddress);
  }

  /** The replicas of {@code service}, sorted by address; empty when it has none. */
  public List<Replica> replicas(String service) {
    return byService.getOrDefault(service, List.of());
  }

  public Set<String> services() {
    return byService.keySet();
  }

  public boolean contains(String address) {
    return byAddress.containsKey(address);
  }

  public ReplicaView with(Replica replica) {
    Map<String, Replica> next = new HashMap<>(byAddress);
    next.put(replica.address(), replica);
    return new ReplicaView(next);
  }

  public ReplicaView without(String address) {
    return byAddress.containsKey(address) ? filter(r -> !r.address().equals(address)) : this;
  }

  public ReplicaView withoutNode(String nodeId) {
    return filter(r -> !r.nodeId().equals(nodeId));
  }

  /** Keeps only the replicas hosted by nodes in {@code liveNodes}. */
  public ReplicaView onNodes(Set<String> liveNodes) {
    return filter(r -> liveNodes.contains(r.nodeId()));
  }

  private ReplicaView filter(Predicate<Replica> keep) {
    Map<String, Replica> next = new HashMap<>();
    byAddress.values().stream().filter(keep).forEach(r -> next.put(r.address(), r));
    return next.size() == byAddress.size() ? this : new ReplicaView(next);
  }

  @Override
  public String toString() {
    return byService.toString();
  }
}
