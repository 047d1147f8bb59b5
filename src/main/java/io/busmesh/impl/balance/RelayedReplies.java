package io.busmesh.impl.balance;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;

import java.util.HashMap;
import java.util.Map;

/**
 * Sees the answers to relayed attempts (see {@link ReplyRelay}) on their way to the generated proxy
 * that waits for them: an inbound event-bus interceptor. An answer to a reply address that a
 * {@link RoutedCall} of this thread expects is handed to that call, which accounts for it and either
 * lets it through unchanged, or keeps it back and tries another replica (the proxy keeps waiting).
 * <p>
 * The answer to a request is delivered on the context that sent it, which is the one that routed
 * the call (see {@link CallInterceptor}), so each thread keeps its own table without locking. Every
 * message delivered on this node passes here: for one that no call expects, the cost is a lookup.
 */
final class RelayedReplies implements Handler<DeliveryContext<Object>> {

  private final FastThreadLocal<Map<String, RoutedCall>> expected = new FastThreadLocal<>() {
    @Override
    protected Map<String, RoutedCall> initialValue() {
      return new HashMap<>();
    }
  };

  /** {@code call} waits for the answers to {@code replyAddress}; on the thread that delivers them. */
  void expect(String replyAddress, RoutedCall call) {
    expected.get().put(replyAddress, call);
  }

  /** Nothing more is expected at {@code replyAddress}: what comes now goes straight through. */
  void forget(String replyAddress) {
    expected.get().remove(replyAddress);
  }

  @Override
  public void handle(DeliveryContext<Object> delivery) {
    Map<String, RoutedCall> waiting = expected.get();
    if (!waiting.isEmpty()) {
      Message<Object> message = delivery.message();
      RoutedCall call = waiting.get(message.address());
      if (call != null && !call.relayedAnswer(message)) {
        return; // kept back: the call goes on to another replica, or has an answer already
      }
    }
    delivery.next();
  }
}
