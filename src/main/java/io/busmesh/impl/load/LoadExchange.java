package io.busmesh.impl.load;

import io.busmesh.MeshProtocol;
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

/**
 * Shares in-flight counts, and each service's retry-budget counts, between balancers through a
 * cluster map, off the path of every call.
 * Each node writes its own entry (key: its node id, so a departed node's entry is simply ignored
 * and deleted) only when its counts changed, and reads the other live nodes' entries. An entry of
 * {@link MeshProtocol#LOAD_MAP} is {@code {"at": epoch millis, "inFlight": {replica address: count},
 * "budget": {service: [calls, retries]}}}, the budget counts over the node's budget window.
 */
public final class LoadExchange {

  private final String nodeId;
  private final Clock clock;
  private final Future<AsyncMap<String, JsonObject>> map;
  private Map<String, Long> lastPublished = Map.of();
  private Map<String, List<Long>> lastBudgets = Map.of();

  public LoadExchange(Vertx vertx, String nodeId, Clock clock) {
    this.nodeId = nodeId;
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
    JsonObject entry = new JsonObject().put("at", clock.currentTimeMillis()).put("inFlight", counts)
        .put("budget", budgetJson);
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
      for (String node : liveNodes) {
        if (!node.equals(nodeId)) {
          reads.add(m.get(node));
        }
      }
      return Future.all(reads).map(done -> {
        Map<String, Long> sums = new HashMap<>();
        Map<String, long[]> budgetSums = new HashMap<>();
        for (Future<JsonObject> read : reads) {
          JsonObject entry = read.result();
          JsonObject budget = entry == null ? null : entry.getJsonObject("budget");
          if (budget != null) {
            budget.forEach(e -> {
              if (e.getValue() instanceof JsonArray pair && pair.size() == 2) {
                long[] sum = budgetSums.computeIfAbsent(e.getKey(), k -> new long[2]);
                sum[0] += pair.getLong(0);
                sum[1] += pair.getLong(1);
              }
            });
          }
          JsonObject counts = entry == null ? null : entry.getJsonObject("inFlight");
          if (counts != null) {
            counts.forEach(e -> {
              if (e.getValue() instanceof Number n) {
                sums.merge(e.getKey(), n.longValue(), Long::sum);
              }
            });
          }
        }
        return new RemoteLoad(sums, budgetSums, startedNanos);
      });
    });
  }

  /** Deletes a departed node's entry; any node may do it, and doing it twice is harmless. */
  public Future<Void> forget(String departedNodeId) {
    return map.compose(m -> m.remove(departedNodeId)).mapEmpty();
  }
}
