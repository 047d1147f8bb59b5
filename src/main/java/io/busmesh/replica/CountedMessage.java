package io.busmesh.replica;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** A call as the service handler sees it: the same message, which reports once when it is answered. */
final class CountedMessage implements Message<JsonObject> {

  private final Message<JsonObject> call;
  private final Runnable onAnswered;
  private boolean answered;

  CountedMessage(Message<JsonObject> call, Runnable onAnswered) {
    this.call = call;
    this.onAnswered = onAnswered;
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
      call.reply(message, options);
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

  private void answered() {
    if (!answered) {
      answered = true;
      onAnswered.run();
    }
  }
}
