package io.busmesh.impl.balance;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;

/**
 * Brings a result back to the balancer's event loop. Cluster-map operations complete on whichever
 * thread Hazelcast and vertx-hazelcast finish them on (their futures carry the context the map was
 * obtained on, not the caller's), and the balancer's state may only change on its own loop.
 */
final class OnLoop {

  private OnLoop() {
  }

  /** {@code result}, whose callbacks run on {@code loop}. */
  static <T> Future<T> of(Context loop, Future<T> result) {
    PromiseInternal<T> promise = ((ContextInternal) loop).promise();
    result.onComplete(promise);
    return promise.future();
  }
}
