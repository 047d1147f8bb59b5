package io.busmesh.impl.load;

import io.busmesh.MeshProtocol;
import io.busmesh.impl.log.LogText;
import io.busmesh.impl.trust.ControlPlane;
import io.busmesh.impl.trust.SignedRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares in-flight counts, and each service's retry-budget counts, between balancers through a
 * cluster map, off the path of every call.
 * Each node writes its own entry (key: its node id, so a departed node's entry is simply ignored
 * and deleted) only when its counts changed, and reads the other live nodes' entries. An entry of
 * {@link MeshProtocol#LOAD_MAP} is {@code {"node": its writer, "at": epoch millis, "inFlight": {replica
 * address: count}, "budget": {service: [calls, retries]}}}, the budget counts over the node's budget
 * window, sealed by the writer's {@link ControlPlane}; what another node wrote is range-checked by
 * {@link NodeLoad} before use.
 */
public final class LoadExchange {

  private final String nodeId;
  private final Clock clock;
  private final Future<AsyncMap<String, JsonObject>> map;
  private Map<String, Long> lastPublished = Map.of();
  private Map<String, List<Long>> lastBudgets = Map.of();
  private final ControlPlane controlPlane;
  /** Per node, the time of its newest entry used: an older one read later is a replay. */
  private final Map<String, Long> newestSeen = new ConcurrentHashMap<>();

  public LoadExchange(Vertx vertx, String nodeId, ControlPlane controlPlane, Clock clock) {
    this.nodeId = nodeId;
    this.controlPlane = controlPlane;
    this.clock = clock;
    this.map = vertx.sharedData().getAsyncMap(MeshProtocol.LOAD_MAP);
  }

  /**
   * Writes this node's counts (zeros left out) if they differ from what it last wrote.
   *
   * @param budgets per service, this node's [calls, retries] in its retry-budget window
   */
  public Future<Void> publish(Map<String, Long> inFlightByReplica, Map<String, List<Long>> budgets) {
    if (inFlightByReplica.equals(lastPublished) && budgets.equals(lastBudgets)) {
      return Future.succeededFuture();
    }
    Map<String, Long> snapshot = Map.copyOf(inFlightByReplica);
    Map<String, List<Long>> budgetSnapshot = Map.copyOf(budgets);
    JsonObject counts = new JsonObject();
    snapshot.forEach(counts::put);
    JsonObject budgetJson = new JsonObject();
    budgetSnapshot.forEach((service, pair) -> budgetJson.put(service, new JsonArray(pair)));
    JsonObject entry = controlPlane.seal(ControlPlane.LOAD, new JsonObject().put("node", nodeId)
        .put("at", clock.currentTimeMillis()).put("inFlight", counts).put("budget", budgetJson));
    return map.compose(m -> m.put(nodeId, entry)).onSuccess(v -> {
      lastPublished = snapshot;
      lastBudgets = budgetSnapshot;
    });
  }

  /** Reads the entries of {@code liveNodes} other than this one and sums their counts per replica. */
  public Future<RemoteLoad> read(Set<String> liveNodes) {
    long startedNanos = clock.nanoTime();
    return map.compose(m -> {
      List<Future<JsonObject>> reads = new ArrayList<>();
      List<String> readFrom = new ArrayList<>();
      for (String node : liveNodes) {
        if (!node.equals(nodeId)) {
          reads.add(m.get(node));
          readFrom.add(node);
        }
      }
      return Future.all(reads).map(done -> {
        Map<String, Long> sums = new HashMap<>();
        Map<String, long[]> budgetSums = new HashMap<>();
        for (int i = 0; i < reads.size(); i++) {
          Object entry = reads.get(i).result();
          String node = readFrom.get(i);
          if (entry == null) {
            continue;
          }
          SignedRecord record = controlPlane.open(ControlPlane.LOAD, entry, "the load entry of node " + LogText.quote(node));
          if (record == null || !fromItsNode(record.payload(), node)) {
            continue;
          }
          NodeLoad load = NodeLoad.parse(record.payload());
          if (load == null) {
            controlPlane.reject("Ignored another node's load entry: it is not a valid " + MeshProtocol.LOAD_MAP + " entry"
                + " (in-flight counts 0.." + NodeLoad.MAX_IN_FLIGHT + ", budget counts 0 ≤ calls ≤ "
                + NodeLoad.MAX_CALLS + ", retries ≤ " + NodeLoad.MAX_RETRIES_PER_CALL + " per call)");
            continue;
          }
          load.inFlight().forEach((replica, count) -> sums.merge(replica, count, Long::sum));
          load.budgets().forEach((service, pair) -> {
            long[] sum = budgetSums.computeIfAbsent(service, k -> new long[2]);
            sum[0] += pair[0];
            sum[1] += pair[1];
          });
        }
        return new RemoteLoad(sums, budgetSums, startedNanos);
      });
    });
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
    return map.compose(m -> m.remove(departedNodeId)).mapEmpty();
  }
}
