package io.busmesh.impl.registry;

import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.impl.log.LogText;
import io.busmesh.impl.trust.ControlPlane;
import io.busmesh.impl.trust.SignedRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The cluster-wide record of replicas: a cluster map from replica address to {@link Replica}, plus
 * a push of every change to each node's balancer. Only publication, shutdown and resync touch it;
 * the path of a call never does.
 */
public final class ReplicaRegistry {

  private static final long NOTIFY_TIMEOUT_MS = 3_000;
  private static final Logger log = LoggerFactory.getLogger(ReplicaRegistry.class);

  private final Vertx vertx;
  private final ClusterManager cluster; // null when Vert.x is not clustered
  private final String nodeId;
  private final Future<AsyncMap<String, JsonObject>> map;
  /** This node's own replicas, re-written when a crash may have lost their entries. */
  private final Map<String, Replica> own = new ConcurrentHashMap<>();
  private final ControlPlane controlPlane;

  public ReplicaRegistry(Vertx vertx, ControlPlane controlPlane) {
    this.vertx = vertx;
    this.controlPlane = controlPlane;
    this.cluster = ((VertxInternal) vertx).clusterManager();
    this.nodeId = cluster != null ? cluster.getNodeId() : "local";
    this.map = vertx.sharedData().getAsyncMap(MeshProtocol.REGISTRY_MAP);
  }

  public String nodeId() {
    return nodeId;
  }

  /** Ids of the Vert.x nodes currently in the cluster (a local read of the member list). */
  public Set<String> liveNodes() {
    return cluster != null ? Set.copyOf(cluster.getNodes()) : Set.of(nodeId);
  }

  /** Address on which a node's balancer takes registry changes. */
  public static String viewAddress(String nodeId) {
    return MeshProtocol.VIEW_ADDRESS_PREFIX + nodeId;
  }

  /** Records {@code replica}, then tells every node's balancer. */
  public Future<Void> add(Replica replica) {
    own.put(replica.address(), replica);
    return map.compose(m -> m.put(replica.address(), entryOf(replica)))
        .compose(v -> announce(ViewChange.added(replica)));
  }

  /**
   * Deletes {@code replica}, then tells every node's balancer and waits for each to acknowledge, so
   * that when this completes no balancer still routes new calls to it.
   */
  public Future<Void> remove(Replica replica) {
    own.remove(replica.address());
    return map.compose(m -> m.remove(replica.address()))
        .compose(v -> announce(ViewChange.removed(replica.address())));
  }

  /**
   * Writes this node's own replicas again. A member that crashes while the cluster is still
   * rebalancing can take the only copy of some map partitions with it, and with them other nodes'
   * entries; like Vert.x for its subscriptions, every node re-asserts its own after a departure.
   */
  public Future<Void> reassertOwn() {
    if (own.isEmpty()) {
      return Future.succeededFuture();
    }
    return map.compose(m -> Future.join(own.values().stream().map(r -> m.put(r.address(), entryOf(r))).toList()))
        .mapEmpty();
  }

  /**
   * Writes this node's own replicas again and tells every node's balancer, for a node that rejoins
   * after a split: the others deleted its entries when they declared it dead.
   */
  public Future<Void> reannounceOwn() {
    List<Replica> replicas = List.copyOf(own.values());
    return reassertOwn().compose(v -> Future.join(replicas.stream().map(r -> announce(ViewChange.added(r))).toList()))
        .mapEmpty();
  }

  /**
   * Every valid entry. Anything else in the map (a value that is not a replica entry, a field out of
   * range, an entry filed under another replica's key, a value that cannot even be deserialized) is
   * skipped, counted and logged at most once per period: one bad value never hides the good ones.
   */
  public Future<List<Replica>> readAll() {
    return map.compose(m -> m.entries()
        .recover(err -> {
          controlPlane.reject("Could not read the registry map in one piece (" + err.getClass().getSimpleName()
              + "); reading it entry by entry");
          return entryByEntry(m);
        }))
        .map(this::validEntries);
  }

  private List<Replica> validEntries(Map<?, ?> entries) {
    List<Replica> replicas = new ArrayList<>(entries.size());
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      String where = "registry entry " + LogText.quote(entry.getKey());
      SignedRecord record = controlPlane.open(ControlPlane.REPLICA, entry.getValue(), where);
      if (record == null) {
        continue;
      }
      try {
        Replica replica = Replica.fromJson(record.payload());
        if (!replica.address().equals(entry.getKey())) {
          throw new IllegalArgumentException("entry filed under a key that is not its address");
        }
        if (!controlPlane.mayPublish(record.signer(), replica.service())) {
          throw new IllegalArgumentException("signer " + LogText.quote(record.signer()) + " may not publish service "
              + LogText.quote(replica.service()) + " (security.publishers)");
        }
        replicas.add(replica);
      } catch (IllegalArgumentException e) {
        controlPlane.reject("Ignored " + where + ": " + e.getMessage());
      }
    }
    return replicas;
  }

  /** The map's entries read one at a time, those that fail to read left out. */
  private Future<Map<String, JsonObject>> entryByEntry(AsyncMap<String, JsonObject> m) {
    return m.keys().compose(keys -> {
      Map<String, JsonObject> entries = new ConcurrentHashMap<>();
      List<Future<?>> reads = new ArrayList<>();
      for (Object key : keys) {
        if (key instanceof String address) {
          reads.add(m.get(address).onSuccess(value -> {
            if (value != null) {
              entries.put(address, value);
            }
          }).otherwiseEmpty());
        }
      }
      return Future.join(reads).otherwiseEmpty().map(v -> entries);
    });
  }


  /**
   * Writes again, and announces, each of this node's own replicas that {@code entries} (a fresh read)
   * lacks or holds altered: a removed or overwritten entry comes back within one resync period.
   */
  public Future<Void> repairOwn(List<Replica> entries) {
    Map<String, Replica> read = new HashMap<>();
    entries.forEach(r -> read.put(r.address(), r));
    List<Replica> lost = own.values().stream().filter(r -> !r.equals(read.get(r.address()))).toList();
    // Signed entries of this node that it does not serve are replays of replicas it closed: only it can tell.
    List<Replica> replayed = !controlPlane.isSigning() ? List.of() : entries.stream()
        .filter(r -> r.nodeId().equals(nodeId) && !own.containsKey(r.address())).toList();
    if (!replayed.isEmpty()) {
      controlPlane.reject("Removing " + replayed.size() + " registry entries of this node that it does not serve"
          + " (replayed after it closed them?): " + replayed.stream().map(Replica::address).toList());
      map.compose(m -> Future.join(replayed.stream().map(r -> m.remove(r.address())
          .compose(v -> announce(ViewChange.removed(r.address())))).toList()));
    }
    if (lost.isEmpty()) {
      return Future.succeededFuture();
    }
    log.warn("Restoring " + lost.size() + " of this node's registry entries that were missing or altered: "
        + lost.stream().map(Replica::address).toList());
    return map.compose(m -> Future.join(lost.stream().map(r -> m.put(r.address(), entryOf(r))
            .compose(v -> announce(ViewChange.added(r)))).toList()))
        .mapEmpty();
  }

  /** Deletes the entries of nodes that are no longer in the cluster (a crashed node cannot). */
  public Future<Void> forgetDeadNodes(List<Replica> entries) {
    Set<String> live = liveNodes();
    List<Replica> dead = entries.stream().filter(r -> !live.contains(r.nodeId())).collect(Collectors.toList());
    if (dead.isEmpty()) {
      return Future.succeededFuture();
    }
    return map.compose(m -> Future.join(dead.stream().map(r -> m.remove(r.address())).collect(Collectors.toList())))
        .mapEmpty();
  }

  /** The map value of {@code replica}: its entry, sealed by this node. */
  private JsonObject entryOf(Replica replica) {
    return controlPlane.seal(ControlPlane.REPLICA, replica.toJson());
  }

  private Future<Void> announce(JsonObject change) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(NOTIFY_TIMEOUT_MS);
    JsonObject sealed = controlPlane.seal(ControlPlane.VIEW, change.put("at", System.currentTimeMillis()));
    List<Future<?>> acks = new ArrayList<>();
    for (String node : liveNodes()) {
      // A node without a balancer answers NO_HANDLERS at once; one that died is dropped by its own
      // node-left handling, so a failed acknowledgement is not an error here.
      acks.add(vertx.eventBus().request(viewAddress(node), sealed, options)
          .onFailure(err -> log.debug("Registry change not acknowledged by node " + node + ": " + err.getMessage())));
    }
    return Future.join(acks).otherwiseEmpty().mapEmpty();
  }
}
