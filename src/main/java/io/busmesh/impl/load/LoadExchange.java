package io.busmesh.impl.load;

import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.impl.log.LogText;
import io.busmesh.impl.replica.ServedReplicas;
import io.busmesh.impl.trust.ControlPlane;
import io.busmesh.impl.trust.SignedRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares the load of each node's replicas through a cluster map, off the path of every call. The
 * figures come from the replicas themselves, which see every caller's calls: a node that serves
 * replicas writes one entry (key: its node id), only when its figures changed,
 * <pre>{"node": its id, "at": epoch millis, "inFlight": {replica address: calls executing},
 *  "budget": {service: [first attempts, retries]}}</pre>
 * the budget counted by its replicas over the retry-budget window, sealed by its {@link ControlPlane}.
 * A caller reads only the entries of the nodes that serve replicas of the services it calls, and takes
 * from each only what it says of that node's own replicas and services, range-checked by
 * {@link NodeLoad}. So a node's cost per period grows with the replicas it calls, not with the size of
 * the cluster, and no entry speaks for another node's replicas. A node whose replicas all reported their
 * own in-flight counts in recent answers is read only every {@link #REUSE_NANOS}: those answers carry the
 * same count, fresher, and its budget figures, counted over a window of seconds, change slowly.
 */
public final class LoadExchange {

  /** How long a node's entry, once read, stands in for its budget figures while its replicas report their own load. */
  public static final long REUSE_NANOS = 1_000_000_000L;

  private final String nodeId;
  private final Clock clock;
  private final Future<AsyncMap<String, JsonObject>> map;
  private final ControlPlane controlPlane;
  private Map<String, Long> lastInFlight = Map.of();
  private Map<String, List<Long>> lastBudgets = Map.of();
  /** Per node, the time of its newest entry used: an older one read later is a replay. */
  private final Map<String, Long> newestSeen = new ConcurrentHashMap<>();
  /** Per node, its last valid entry read and when the read started: what a round that skips the node reuses. */
  private final Map<String, LastRead> lastRead = new ConcurrentHashMap<>();

  public LoadExchange(Vertx vertx, String nodeId, ControlPlane controlPlane, Clock clock) {
    this.nodeId = nodeId;
    this.controlPlane = controlPlane;
    this.clock = clock;
    this.map = vertx.sharedData().getAsyncMap(MeshProtocol.LOAD_MAP);
  }

  /** Writes the load of this node's replicas (zeros left out) if it differs from what it last wrote. */
  public Future<Void> publish(Collection<ServedReplicas.Load> served) {
    Map<String, Long> inFlight = new HashMap<>();
    Map<String, long[]> budgets = new HashMap<>();
    for (ServedReplicas.Load load : served) {
      if (load.inFlight() > 0) {
        inFlight.put(load.replica().address(), (long) load.inFlight());
      }
      if (load.calls() > 0 || load.retries() > 0) {
        long[] budget = budgets.computeIfAbsent(load.replica().service(), s -> new long[2]);
        budget[0] += load.calls();
        budget[1] += load.retries();
      }
    }
    Map<String, List<Long>> budgetLists = new HashMap<>();
    budgets.forEach((service, pair) -> budgetLists.put(service, List.of(pair[0], pair[1])));
    if (inFlight.equals(lastInFlight) && budgetLists.equals(lastBudgets)) {
      return Future.succeededFuture();
    }
    JsonObject counts = new JsonObject();
    inFlight.forEach(counts::put);
    JsonObject budgetJson = new JsonObject();
    budgetLists.forEach((service, pair) -> budgetJson.put(service, new JsonArray(pair)));
    JsonObject entry = controlPlane.seal(ControlPlane.LOAD, new JsonObject().put("node", nodeId)
        .put("at", clock.currentTimeMillis()).put("inFlight", counts).put("budget", budgetJson));
    return map.compose(m -> m.put(nodeId, entry)).onSuccess(v -> {
      lastInFlight = inFlight;
      lastBudgets = budgetLists;
    });
  }

  /**
   * Reads the entries of the nodes in {@code replicasByNode} (other than this one), keeping of each
   * the figures of the replicas listed for that node and of the services they serve. A node in
   * {@code reported} (its listed replicas reported their own load lately) whose entry was read less than
   * {@link #REUSE_NANOS} ago is not read again: its replicas' in-flight counts are left out of the result,
   * and its budget figures are those of the last read.
   */
  public Future<RemoteLoad> read(Map<String, ? extends Collection<Replica>> replicasByNode, Set<String> reported) {
    long startedNanos = clock.nanoTime();
    return map.compose(m -> {
      List<String> nodes = new ArrayList<>();
      List<Future<JsonObject>> reads = new ArrayList<>();
      Map<String, LastRead> reused = new HashMap<>();
      replicasByNode.keySet().stream().filter(node -> !node.equals(nodeId)).forEach(node -> {
        LastRead last = lastRead.get(node);
        if (reported.contains(node) && last != null && startedNanos - last.startedNanos() < REUSE_NANOS) {
          reused.put(node, last);
        } else {
          nodes.add(node);
          reads.add(m.get(node));
        }
      });
      return Future.all(reads).map(done -> {
        Map<String, Long> inFlight = new HashMap<>();
        Map<String, long[]> budgets = new HashMap<>();
        for (int i = 0; i < reads.size(); i++) {
          String node = nodes.get(i);
          NodeLoad load = valid(reads.get(i).result(), node);
          if (load == null) {
            lastRead.remove(node);
          } else {
            lastRead.put(node, new LastRead(load, startedNanos));
            take(load, replicasByNode.get(node), inFlight, budgets);
          }
        }
        reused.forEach((node, last) -> take(last.load(), replicasByNode.get(node), null, budgets));
        return new RemoteLoad(inFlight, budgets, startedNanos);
      });
    });
  }

  /**
   * Keeps what {@code load} says of {@code replicas} (that node's own) and of the services they serve.
   *
   * @param inFlight where the replicas' in-flight counts go; null to leave them out
   */
  private static void take(NodeLoad load, Collection<Replica> replicas, Map<String, Long> inFlight,
                           Map<String, long[]> budgets) {
    Set<String> services = new HashSet<>();
    for (Replica replica : replicas) {
      if (inFlight != null) {
        inFlight.put(replica.address(), load.inFlight().getOrDefault(replica.address(), 0L));
      }
      services.add(replica.service());
    }
    for (String service : services) {
      long[] pair = load.budgets().get(service);
      if (pair != null) {
        long[] sum = budgets.computeIfAbsent(service, s -> new long[2]);
        sum[0] += pair[0];
        sum[1] += pair[1];
      }
    }
  }

  /** The figures of node {@code node}'s entry, if it is one, signed by that node, recent and in range; else null. */
  private NodeLoad valid(Object entry, String node) {
    if (entry == null) {
      return null;
    }
    SignedRecord record = controlPlane.open(ControlPlane.LOAD, entry, "the load entry of node " + LogText.quote(node));
    if (record == null || !fromItsNode(record.payload(), node)) {
      return null;
    }
    NodeLoad load = NodeLoad.parse(record.payload());
    if (load == null) {
      controlPlane.reject("Ignored the load entry of node " + LogText.quote(node) + ": it is not a valid "
          + MeshProtocol.LOAD_MAP + " entry (in-flight counts 0.." + NodeLoad.MAX_IN_FLIGHT + ", budget counts 0.."
          + NodeLoad.MAX_CALLS + " calls and " + NodeLoad.MAX_RETRIES + " retries)");
    }
    return load;
  }

  /**
   * Whether a load entry is the newest from the node whose key it is under: signed entries name their
   * node (so none can be copied under another node's key) and are never older than one already used.
   */
  private boolean fromItsNode(JsonObject payload, String node) {
    if (!controlPlane.isSigning()) {
      return true;
    }
    if (!node.equals(payload.getValue("node")) || !(payload.getValue("at") instanceof Long || payload.getValue("at") instanceof Integer)) {
      controlPlane.reject("Ignored the load entry under node " + LogText.quote(node) + ": it was written by another node");
      return false;
    }
    long at = payload.getLong("at");
    Long newest = newestSeen.get(node);
    if (newest != null && at < newest) {
      controlPlane.reject("Ignored the load entry of node " + LogText.quote(node) + ": older than one already read (a replay?)");
      return false;
    }
    newestSeen.put(node, at);
    return true;
  }

  /** Deletes a departed node's entry; any node may do it, and doing it twice is harmless. */
  public Future<Void> forget(String departedNodeId) {
    newestSeen.remove(departedNodeId);
    lastRead.remove(departedNodeId);
    return map.compose(m -> m.remove(departedNodeId)).mapEmpty();
  }

  private record LastRead(NodeLoad load, long startedNanos) {
  }
}
