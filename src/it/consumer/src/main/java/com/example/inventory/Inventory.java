package com.example.inventory;

import io.busmesh.Idempotent;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.core.Future;

/** Stock of a warehouse. */
@ProxyGen
public interface Inventory {

  /** Failure code of a reservation of more units than are left. */
  int INSUFFICIENT_STOCK = 409;

  /** Units of {@code sku} left. A read: safe to run again. */
  @Idempotent
  Future<Integer> stock(String sku);

  /**
   * Takes {@code quantity} units of {@code sku} for {@code orderId}; answers the units left. Not
   * idempotent: running it twice takes the units twice. Fails with {@link #INSUFFICIENT_STOCK}.
   */
  Future<Integer> reserve(String orderId, String sku, int quantity);
}
