package io.busmesh.test;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

import java.util.ArrayList;
import java.util.List;

/** An event-bus message built by a test, which keeps the answers given to it. */
public class FakeMessage<T> implements Message<T> {

  private final String address;
  private final MultiMap headers;
  private final T body;
  private final String replyAddress;
  private final List<Object> replies = new ArrayList<>();

  /** @param replyAddress null for a message nobody waits an answer to */
  public FakeMessage(String address, MultiMap headers, T body, String replyAddress) {
    this.address = address;
    this.headers = headers;
    this.body = body;
    this.replyAddress = replyAddress;
  }

  /** The answers given to this message, in order: bodies, or {@code ReplyException}s for failures. */
  public List<Object> replies() {
    return replies;
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public MultiMap headers() {
    return headers;
  }

  @Override
  public T body() {
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
    replies.add(message);
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
    return Future.failedFuture("a fake message takes no reply to its reply");
  }
}
