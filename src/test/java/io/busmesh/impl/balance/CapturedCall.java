package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.test.FakeMessage;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.ReplyException;

/** A call as a generated proxy sends it, whose answer the test reads back. */
final class CapturedCall extends FakeMessage<Object> {

  CapturedCall(String method, Object body) {
    this(method, body, "__vertx.reply.test");
  }

  private CapturedCall(String method, Object body, String replyAddress) {
    super("svc", MultiMap.caseInsensitiveMultiMap().set(MeshProtocol.ACTION_HEADER, method), body, replyAddress);
  }

  /** A call of a {@code void} method: nobody waits for an answer. */
  static CapturedCall oneWay(String method, Object body) {
    return new CapturedCall(method, body, null);
  }

  boolean answered() {
    return !replies().isEmpty();
  }

  /** The answer, if it was not a failure. */
  Object replied() {
    Object answer = last();
    return answer instanceof ReplyException ? null : answer;
  }

  /** The failure the caller got, or null. */
  ReplyException failure() {
    return last() instanceof ReplyException e ? e : null;
  }

  private Object last() {
    return replies().isEmpty() ? null : replies().get(replies().size() - 1);
  }
}
