package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/** A call as a generated proxy sends it, whose answer the test reads back. */
final class CapturedCall implements Message<Object> {

  private final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
  private final Object body;
  private final String replyAddress;
  private Object answer;
  int replies;

  CapturedCall(String method, Object body) {
    this(method, body, "__vertx.reply.test");
  }

  private CapturedCall(String method, Object body, String replyAddress) {
    headers.set(MeshProtocol.ACTION_HEADER, method);
    this.body = body;
    this.replyAddress = replyAddress;
  }

  /** A call of a {@code void} method: nobody waits for an answer. */
  static CapturedCall oneWay(String method, Object body) {
    return new CapturedCall(method, body, null);
  }

  boolean answered() {
    return replies > 0;
  }

  /** The answer, if it was not a failure. */
  Object replied() {
    return answer instanceof ReplyException ? null : answer;
  }

  /** The failure the caller got, or null. */
  ReplyException failure() {
    return answer instanceof ReplyException e ? e : null;
  }

  @Override
  public String address() {
    return "svc";
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
    return replyAddress;
  }

  @Override
  public boolean isSend() {
    return true;
  }

  @Override
  public void reply(Object message, DeliveryOptions options) {
    replies++;
    answer = message;
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
    throw new UnsupportedOperationException();
  }
}
