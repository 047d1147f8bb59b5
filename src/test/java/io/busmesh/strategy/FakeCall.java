package io.busmesh.strategy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** A call as a strategy sees it (headers and a JSON body of arguments); it cannot be answered. */
public final class FakeCall implements Message<Object> {

  private final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
  private final Object body;

  private FakeCall(Object body) {
    this.body = body;
  }

  public static FakeCall withHeader(String name, String value) {
    FakeCall call = new FakeCall(new JsonObject());
    call.headers.set(name, value);
    return call;
  }

  public static FakeCall withArguments(JsonObject arguments) {
    return new FakeCall(arguments);
  }

  public static FakeCall withBody(Object body) {
    return new FakeCall(body);
  }

  @Override
  public String address() {
    return "s";
  }

  @Override
  public MultiMap headers() {
    return headers;
  }

  @Override
  public Object body() {
    return body;
  }

  @Override
  public String replyAddress() {
    return null;
  }

  @Override
  public boolean isSend() {
    return true;
  }

  @Override
  public void reply(Object message, DeliveryOptions options) {
    throw new UnsupportedOperationException("a strategy must not answer the call");
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
    throw new UnsupportedOperationException("a strategy must not answer the call");
  }
}
