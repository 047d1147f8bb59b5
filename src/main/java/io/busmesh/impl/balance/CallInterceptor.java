package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.impl.log.LogText;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.tracing.VertxTracer;

/**
 * Routes each call on the event loop of the caller that made it, so no thread of the node is a
 * funnel: an outbound event-bus interceptor, which Vert.x runs on the sender's thread as the message
 * is sent. A request that a generated proxy sends to the name of a service this node has called
 * before is taken here, not delivered, and handed to the service's {@link ServiceRoute}, which
 * answers it through the message's own reply address. Everything else goes on untouched: other
 * addresses, publications, and calls from threads that are not event loops (workers, virtual
 * threads, threads outside Vert.x) or to a service's first call, which the local consumer on the
 * service name takes on the balancer's loop as before.
 * <p>
 * Every message this node sends passes here: the cost for one that is not a call is one map lookup. A call
 * taken here never reaches the point where Vert.x traces a request, so when Vert.x has a tracer the call's
 * spans are made here instead ({@link CallTrace}).
 */
final class CallInterceptor implements Handler<DeliveryContext<Object>> {

  private final RouteTable routes;

  /** @param routes the routes, read from any thread */
  CallInterceptor(RouteTable routes) {
    this.routes = routes;
  }

  @Override
  public void handle(DeliveryContext<Object> delivery) {
    Message<Object> message = delivery.message();
    if (message.isSend()) {
      ServiceRoute route = routes.route(message.address());
      ContextInternal caller = route == null ? null : eventLoopCaller();
      if (caller != null) {
        if (route.caller() == null) {
          routes.calledFrom(route, caller);
        }
        if (route.isActive()) {
          VertxTracer<?, ?> tracer = caller.tracer();
          route.route(message, delivery.body(), true,
              tracer == null ? null : CallTrace.taken(tracer, caller, delivery, route.service()));
          return;
        }
      }
    }
    try {
      delivery.next();
    } catch (RuntimeException e) {
      if (message.replyAddress() == null) {
        throw e; // nobody waits for an answer: Vert.x reports it to the context, as for any interceptor
      }
      cannotSend(message, e);
    }
  }

  /**
   * A message Vert.x could not send, in practice one whose body cannot be encoded (JSON nested deeper
   * than Jackson writes). Without an interceptor the sender's own call would throw; from inside one,
   * Vert.x would only log the exception and the sender would wait out its timeout. So the sender is
   * answered here, at once, with what went wrong.
   */
  private static void cannotSend(Message<Object> message, RuntimeException e) {
    message.reply(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, MeshProtocol.MALFORMED_CALL, "Could not send to "
        + LogText.quote(message.address()) + ": the message body cannot be encoded (" + e.getClass().getSimpleName() + ": "
        + LogText.quote(e.getMessage()) + "). Nothing was sent; check what the caller passes (e.g. JSON nested too deep)."),
        CallTrace.ANSWER);
  }

  /** The sender's context if it runs on an event loop, else null. */
  private static ContextInternal eventLoopCaller() {
    ContextInternal context = ContextInternal.current();
    return context != null && context.isEventLoopContext() && context.inThread() ? context : null;
  }
}
