package io.busmesh.impl.replica;

import io.busmesh.MeshProtocol;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * A call as the service handler sees it: the same message, which reports once when it is answered
 * and adds to its reply the replica's own load (calls still in progress, time spent on this one).
 */
final class CountedMessage implements Message<JsonObject> {

  private final Message<JsonObject> call;
  private final CallGuard guard;
  private final long arrivedNanos;
  private boolean answered;

  CountedMessage(Message<JsonObject> call, CallGuard guard, long arrivedNanos) {
    this.call = call;
    this.guard = guard;
    this.arrivedNanos = arrivedNanos;
  }

  @Override
  public String address() {
    return call.address();
  }

  @Override
  public MultiMap headers() {
    return call.headers();
  }

  @Override
  public JsonObject body() {
    return call.body();
  }

  @Override
  public String replyAddress() {
    return call.replyAddress();
  }

  @Override
  public boolean isSend() {
    return call.isSend();
  }

  @Override
  public void reply(Object message, DeliveryOptions options) {
    try {
      call.reply(message, withLoad(options));
    } finally {
      answered();
    }
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
    try {
      return call.replyAndRequest(message, options);
    } finally {
      answered();
    }
  }

  private DeliveryOptions withLoad(DeliveryOptions options) {
    return new DeliveryOptions(options == null ? new DeliveryOptions() : options)
        .addHeader(MeshProtocol.SERVER_IN_FLIGHT_HEADER, Integer.toString(Math.max(0, guard.inFlight() - 1)))
        .addHeader(MeshProtocol.SERVICE_MICROS_HEADER, Long.toString((System.nanoTime() - arrivedNanos) / 1_000));
  }

  /** Ends the call's count once, whether or not it was answered. */
  void done() {
    answered();
  }

  private void answered() {
    if (!answered) {
      answered = true;
      guard.answered();
    }
  }
}
