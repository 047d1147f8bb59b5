package io.busmesh.impl.balance;

import io.vertx.core.Vertx;

/** One-shot timers on the caller's context: Vert.x's in the mesh, a hand-driven fake in unit tests. */
interface Timers {

  /** Runs {@code task} after {@code delayMs} on the current context; returns an id for {@link #cancel}. */
  long schedule(long delayMs, Runnable task);

  void cancel(long id);

  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long schedule(long delayMs, Runnable task) {
        return vertx.setTimer(delayMs, id -> task.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    };
  }
}
