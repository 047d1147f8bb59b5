package com.example.inventory;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One warehouse, in memory. A reservation takes effect at once and is written to the log; the answer
 * follows after {@code confirmDelayMs} (the time it takes to confirm it downstream).
 */
public class InventoryImpl implements Inventory {

  private final Vertx vertx;
  private final Map<String, Integer> units = new ConcurrentHashMap<>();
  private final int initialUnits;
  private final long confirmDelayMs;

  public InventoryImpl(Vertx vertx, int initialUnits, long confirmDelayMs) {
    this.vertx = vertx;
    this.initialUnits = initialUnits;
    this.confirmDelayMs = confirmDelayMs;
  }

  @Override
  public Future<Integer> stock(String sku) {
    return Future.succeededFuture(units.getOrDefault(sku, initialUnits));
  }

  @Override
  public Future<Integer> reserve(String orderId, String sku, int quantity) {
    int left = units.getOrDefault(sku, initialUnits);
    if (quantity > left) {
      return ServiceException.fail(INSUFFICIENT_STOCK, "Not enough " + sku + " for order " + orderId + ": "
          + left + " left, " + quantity + " asked", new JsonObject().put("sku", sku).put("left", left).put("asked", quantity));
    }
    units.put(sku, left - quantity);
    System.out.println("reserved " + orderId + " " + sku + " x" + quantity);
    if (confirmDelayMs == 0) {
      return Future.succeededFuture(left - quantity);
    }
    Promise<Integer> confirmed = Promise.promise();
    vertx.setTimer(confirmDelayMs, id -> confirmed.complete(left - quantity));
    return confirmed.future();
  }
}
