package io.busmesh.impl.registry;

import io.busmesh.Replica;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
  /**
   * Most replicas a view holds, and most services. Entries come from the cluster, where anyone may
   * write: past these, further ones are left out (and the caller logs it) instead of growing the heap.
   */
  public static final int MAX_REPLICAS = 20_000;
  public static final int MAX_SERVICES = 2_000;

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

  /** The view of {@code replicas}, the first {@link #MAX_REPLICAS} of them over at most {@link #MAX_SERVICES} services. */
  public static ReplicaView of(Collection<Replica> replicas) {
    Map<String, Replica> byAddress = new HashMap<>();
    Set<String> services = new HashSet<>();
    for (Replica r : replicas) {
      if (byAddress.size() < MAX_REPLICAS && (services.contains(r.service()) || services.size() < MAX_SERVICES)) {
        services.add(r.service());
        byAddress.put(r.address(), r);
      }
    }
    return new ReplicaView(byAddress);
  }

  /** Whether {@link #with} would take {@code replica}: it is known, or the view has room for it. */
  public boolean hasRoomFor(Replica replica) {
    return byAddress.containsKey(replica.address()) || (byAddress.size() < MAX_REPLICAS
        && (byService.containsKey(replica.service()) || byService.size() < MAX_SERVICES));
  }

  /** Replicas in the view. */
  public int size() {
    return byAddress.size();
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

  /** The view plus {@code replica}; this view unchanged if it has no {@link #hasRoomFor room} for it. */
  public ReplicaView with(Replica replica) {
    if (!hasRoomFor(replica)) {
      return this;
    }
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
