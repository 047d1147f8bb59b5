package io.busmesh.impl.balance;

import io.busmesh.test.FakeMessage;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.eventbus.impl.CodecManager;
import io.vertx.core.eventbus.impl.MessageImpl;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceExceptionMessageCodec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A failed answer is told from a reply by its codec where the codec says, else by its decoded body. */
class AnswersTest {

  @Test
  void aReplyInOneOfVertxsOwnCodecsIsNoFailureAndItsBodyIsNotRead() {
    assertNull(Answers.failureOf(unread(42, CodecManager.INT_MESSAGE_CODEC)));
    assertNull(Answers.failureOf(unread(new JsonObject().put("a", 1), CodecManager.JSON_OBJECT_MESSAGE_CODEC)));
    assertNull(Answers.failureOf(unread(null, CodecManager.NULL_MESSAGE_CODEC)));
  }

  @Test
  void aReplyExceptionIsAFailure() {
    ReplyException failure = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 7, "refused");
    assertSame(failure, Answers.failureOf(sent(failure, CodecManager.REPLY_EXCEPTION_MESSAGE_CODEC)));
  }

  @Test
  void aServiceExceptionInTheServiceProxiesCodecIsAFailure() {
    ServiceException failure = new ServiceException(3, "no such account");
    assertSame(failure, Answers.failureOf(sent(failure, new ServiceExceptionMessageCodec())));
  }

  @Test
  void anyOtherMessageIsToldByItsBody() {
    ServiceException failure = new ServiceException(3, "no such account");
    assertSame(failure, Answers.failureOf(new FakeMessage<>("r", MultiMap.caseInsensitiveMultiMap(), failure, null)));
    assertNull(Answers.failureOf(new FakeMessage<>("r", MultiMap.caseInsensitiveMultiMap(), "fine", null)));
  }

  /** Like {@link #sent}, but reading its body fails the test: a body from the wire would be decoded then. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Message<Object> unread(Object body, MessageCodec<?, ?> codec) {
    return new MessageImpl("r", null, body, codec, true, null) {
      @Override
      public Object body() {
        throw new AssertionError("the body of an answer in codec " + codec.name() + " was read");
      }
    };
  }

  /** A message as Vert.x makes one to send {@code body} with {@code codec}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Message<Object> sent(Object body, MessageCodec<?, ?> codec) {
    return new MessageImpl("r", null, body, codec, true, null);
  }
}
