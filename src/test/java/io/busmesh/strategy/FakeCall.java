package io.busmesh.strategy;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/** A call as a strategy sees it: headers and a body of arguments. */
public final class FakeCall implements CallInfo {

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
  public String service() {
    return "s";
  }

  @Override
  public String method() {
    return headers.get("action");
  }

  @Override
  public MultiMap headers() {
    return headers;
  }

  @Override
  public JsonObject arguments() {
    return body instanceof JsonObject arguments ? arguments : null;
  }
}
