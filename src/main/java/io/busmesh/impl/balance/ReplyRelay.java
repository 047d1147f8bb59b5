package io.busmesh.impl.balance;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.impl.EventBusImpl;
import io.vertx.core.eventbus.impl.MessageImpl;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;

/**
 * Sends a call's first attempt to a replica with the caller's own reply address, so that the
 * replica's answer goes straight back to the generated proxy that waits for it: no second request,
 * no second reply address, no second delivery of the answer on the caller's node. That halves what
 * the event bus does for a call through the mesh, and is what brings its cost to that of a direct
 * call (see {@link RelayedReplies}, which sees the answer on its way in).
 * <p>
 * Vert.x has no public API to send with a given reply address, so this uses two methods of its event
 * bus implementation ({@code EventBusImpl.createMessage}, {@code MessageImpl.setReplyAddress},
 * {@code EventBusImpl.sendOrPubInternal}; Vert.x 5.0). Should they change, the first attempt that
 * fails to link turns relaying off for good, with a log line, and calls go the public way
 * ({@code EventBus.request}) as every later attempt does anyway.
 */
final class ReplyRelay {

  private static final Logger log = LoggerFactory.getLogger(ReplyRelay.class);
  /**
   * Sent to the cluster (not local-only), without Vert.x's own span (a traced attempt has busmesh's, see
   * {@link CallTrace}): the same for every relayed attempt.
   */
  private static final DeliveryOptions REMOTE = new DeliveryOptions().setTracingPolicy(CallTrace.ATTEMPT_POLICY);

  private final EventBusImpl bus;
  private volatile boolean working;

  private ReplyRelay(EventBusImpl bus) {
    this.bus = bus;
    this.working = bus != null;
  }

  static ReplyRelay of(EventBus eventBus) {
    return new ReplyRelay(eventBus instanceof EventBusImpl impl ? impl : null);
  }

  /** False if this Vert.x cannot relay: attempts then go through {@code EventBus.request}. */
  boolean isWorking() {
    return working;
  }

  /**
   * Sends {@code body} with {@code headers} to {@code address}, to be answered at {@code replyAddress}.
   * The future fails if it could not be sent (no consumer registered there, the connection failed).
   */
  @SuppressWarnings("unchecked")
  Future<Void> send(String address, MultiMap headers, Object body, String replyAddress) {
    try {
      MessageImpl<Object, Object> message = bus.createMessage(true, false, address, headers, body, null);
      message.setReplyAddress(replyAddress);
      return bus.sendOrPubInternal(message, REMOTE, null);
    } catch (LinkageError e) {
      working = false;
      log.warn("This Vert.x does not have the event-bus internals busmesh relays replies with (" + e + "); calls"
          + " through the mesh now cost a second request each. Use the Vert.x version busmesh was built for.");
      return Future.failedFuture(e);
    }
  }
}
