package com.example.inventory;

import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceProxyBuilder;

import java.util.Map;
import java.util.TreeMap;

/**
 * Calls the inventory through its generated proxy: first a reservation too large to fit (to see its
 * 409), then reservations and stock reads side by side until the reservations are done. Prints one
 * JSON line and exits, with 0 when no stock read failed. Conf:
 * {@code {"replicas": 1, "reservations": 200, "concurrency": 4, "maxDurationMs": 60000, "mesh": {...}}}.
 */
public class InventoryClientVerticle extends VerticleBase {

  private static final String SKU = "sku-1";

  private Inventory inventory;
  private int reservations;
  private long deadlineNanos;
  private int reservationsSent;
  private int reservationsEnded;
  private long stockReads;
  private long stockFailed;
  private final Map<String, Integer> stockErrors = new TreeMap<>();
  private final JsonArray reserved = new JsonArray();
  private final JsonArray outcomeUnknown = new JsonArray();
  private final Map<String, Integer> otherReserveFailures = new TreeMap<>();
  private String outcomeUnknownExample;
  private JsonObject conflict = new JsonObject();
  private final Promise<Void> reservationsDone = Promise.promise();
  private final Promise<Void> readsDone = Promise.promise();

  @Override
  public Future<?> start() {
    reservations = config().getInteger("reservations", 200);
    int concurrency = config().getInteger("concurrency", 4);
    deadlineNanos = System.nanoTime() + config().getLong("maxDurationMs", 60_000L) * 1_000_000;
    inventory = new ServiceProxyBuilder(vertx).setAddress("inventory")
        .setOptions(new DeliveryOptions().setSendTimeout(10_000)).build(Inventory.class);
    Mesh.join(vertx, new MeshOptions(config().getJsonObject("mesh")))
        .compose(mesh -> mesh.awaitReplicas("inventory", config().getInteger("replicas", 1), 60_000)
            .compose(replicas -> inventory.reserve("order-too-big", SKU, Integer.MAX_VALUE).transform(this::conflict))
            .compose(v -> {
              for (int i = 0; i < concurrency; i++) {
                reserveNext();
                readNext();
              }
              return Future.all(reservationsDone.future(), readsDone.future());
            })
            .map(v -> summary(mesh)))
        .onComplete(this::finish);
    return Future.succeededFuture();
  }

  private Future<Void> conflict(AsyncResult<Integer> answer) {
    if (answer.cause() instanceof ServiceException e) {
      conflict = new JsonObject().put("code", e.failureCode()).put("message", e.getMessage()).put("debugInfo", e.getDebugInfo());
    } else {
      conflict = new JsonObject().put("unexpected", String.valueOf(answer.succeeded() ? answer.result() : answer.cause()));
    }
    return Future.succeededFuture();
  }

  private void reserveNext() {
    if (reservationsSent >= reservations || System.nanoTime() > deadlineNanos) {
      if (reservationsEnded == reservationsSent) {
        reservationsDone.tryComplete();
      }
      return;
    }
    String orderId = "order-" + reservationsSent++;
    inventory.reserve(orderId, SKU, 1).onComplete(answer -> {
      reservationsEnded++;
      if (answer.succeeded()) {
        reserved.add(orderId);
      } else if (answer.cause() instanceof ReplyException e && e.failureCode() == MeshProtocol.OUTCOME_UNKNOWN) {
        outcomeUnknown.add(orderId); // it may or may not have run: the caller must find out, not retry blindly
        outcomeUnknownExample = e.getMessage();
      } else {
        otherReserveFailures.merge(String.valueOf(answer.cause()), 1, Integer::sum);
      }
      reserveNext();
    });
  }

  /** Reads go on while reservations run, so that they too meet the killed replica. */
  private void readNext() {
    if (reservationsDone.future().isComplete() || System.nanoTime() > deadlineNanos) {
      readsDone.tryComplete();
      return;
    }
    stockReads++;
    inventory.stock(SKU).onComplete(answer -> {
      if (answer.failed()) {
        stockFailed++;
        stockErrors.merge(String.valueOf(answer.cause()), 1, Integer::sum);
      }
      readNext();
    });
  }

  private JsonObject summary(Mesh mesh) {
    JsonObject perReplica = new JsonObject();
    mesh.stats("inventory").forEach((address, stats) -> perReplica.put(address, stats.completed()));
    return new JsonObject().put("stockReads", stockReads).put("stockFailed", stockFailed)
        .put("stockErrors", counts(stockErrors)).put("reserved", reserved)
        .put("outcomeUnknown", outcomeUnknown).put("outcomeUnknownExample", outcomeUnknownExample)
        .put("otherReserveFailures", counts(otherReserveFailures))
        .put("conflict", conflict).put("perReplica", perReplica);
  }

  private static JsonObject counts(Map<String, Integer> byMessage) {
    JsonObject json = new JsonObject();
    byMessage.forEach(json::put);
    return json;
  }

  private void finish(AsyncResult<JsonObject> result) {
    JsonObject summary = result.succeeded() ? result.result() : new JsonObject().put("error", String.valueOf(result.cause()));
    System.out.println(summary.encode());
    int code = result.succeeded() && stockFailed == 0 ? 0 : 1;
    vertx.close().onComplete(ar -> System.exit(code));
  }
}
