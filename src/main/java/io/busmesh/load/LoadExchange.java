package io.busmesh.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shares in-flight counts between balancers through a cluster map, off the path of every call.
 * Each node writes its own entry (key: its node id, so a departed node's entry is simply ignored
 * and deleted) only when its counts changed, and reads the other live nodes' entries.
 */
public final class LoadExchange {

  /** Cluster map: node id → {@code {"at": epoch millis, "inFlight": {replica address: count}}}. */
  public static final String MAP_NAME = "busmesh.load";

  private final String nodeId;
  private final Clock clock;
  private final Future<AsyncMap<String, JsonObject>> map;
  private Map<String, Long> lastPublished = Map.of();

  public LoadExchange(Vertx vertx, String nodeId, Clock clock) {
    this.nodeId = nodeId;
    this.clock = clock;
    this.map = vertx.sharedData().getAsyncMap(MAP_NAME);
  }

  /** Writes this node's counts (zeros left out) if they differ from what it last wrote. */
  public Future<Void> publish(Map<String, Long> inFlightByReplica) {
    if (inFlightByReplica.equals(lastPublished)) {
      return Future.succeededFuture();
    }
    Map<String, Long> snapshot = Map.copyOf(inFlightByReplica);
    JsonObject counts = new JsonObject();
    snapshot.forEach(counts::put);
    JsonObject entry = new JsonObject().put("at", clock.currentTimeMillis()).put("inFlight", counts);
    return map.compose(m -> m.put(nodeId, entry)).onSuccess(v -> lastPublished = snapshot);
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
        for (Future<JsonObject> read : reads) {
          JsonObject entry = read.result();
          JsonObject counts = entry == null ? null : entry.getJsonObject("inFlight");
          if (counts != null) {
            counts.forEach(e -> {
              if (e.getValue() instanceof Number n) {
                sums.merge(e.getKey(), n.longValue(), Long::sum);
              }
            });
          }
        }
        return new RemoteLoad(sums, startedNanos);
      });
    });
  }

  /** Deletes a departed node's entry; any node may do it, and doing it twice is harmless. */
  public Future<Void> forget(String departedNodeId) {
    return map.compose(m -> m.remove(departedNodeId)).mapEmpty();
  }
}
