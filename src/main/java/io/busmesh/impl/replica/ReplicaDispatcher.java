package io.busmesh.impl.replica;

import io.busmesh.impl.load.Clock;
import io.busmesh.impl.log.LogText;
import io.busmesh.impl.log.RateLimitedLog;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ProxyHandler;
import io.vertx.serviceproxy.ServiceInterceptor;

import java.util.HashMap;
import java.util.List;

/**
 * The consumer at a replica's address, in place of vertx-service-proxy's own chain: the
 * {@link CallGuard} first, then the replica's interceptors, each with a context of its own per
 * message (the stock chain shares one map across every message of a consumer), then the generated
 * handler. The generated handler answers a call that fails before the service (unknown arguments
 * of the wrong type, a method that throws) with a 500 error and then rethrows; that rethrow is
 * caught here and logged at most once a period, rather than as one stack trace per message.
 */
final class ReplicaDispatcher implements Handler<Message<JsonObject>> {

  private static final Logger log = LoggerFactory.getLogger(ReplicaDispatcher.class);
  private static final long FAILURE_LOG_PERIOD_MS = 10_000;

  private final Vertx vertx;
  private final CallGuard guard;
  private final List<ServiceInterceptor> interceptors;
  private final ProxyHandler service;
  private final String address;
  private final RateLimitedLog failures;

  ReplicaDispatcher(Vertx vertx, String address, CallGuard guard, List<ServiceInterceptor> interceptors, ProxyHandler service) {
    this.vertx = vertx;
    this.address = address;
    this.guard = guard;
    this.interceptors = List.copyOf(interceptors);
    this.service = service;
    this.failures = new RateLimitedLog(log, Clock.SYSTEM, FAILURE_LOG_PERIOD_MS);
  }

  @Override
  public void handle(Message<JsonObject> call) {
    Future<Message<JsonObject>> admitted = guard.intercept(vertx, null, call);
    if (admitted.failed()) {
      refuse(call, admitted.cause());
      return;
    }
    CountedMessage counted = (CountedMessage) admitted.result();
    if (interceptors.isEmpty()) {
      dispatch(counted, counted);
      return;
    }
    Future<Message<JsonObject>> checked = admitted;
    for (ServiceInterceptor interceptor : interceptors) {
      checked = checked.compose(m -> interceptor.intercept(vertx, new HashMap<>(), m));
    }
    checked.onComplete(ar -> {
      if (ar.succeeded()) {
        dispatch(ar.result(), counted);
      } else {
        refuse(counted, ar.cause());
      }
    });
  }

  private void dispatch(Message<JsonObject> call, CountedMessage counted) {
    try {
      service.handle(call);
    } catch (Throwable t) {
      failures.warn("A call of method " + LogText.quote(call.headers().get("action")) + " to replica " + address
          + " failed before the service answered it (" + t.getClass().getName() + ": " + LogText.quote(t.getMessage())
          + (t.getStackTrace().length > 0 ? " at " + t.getStackTrace()[0] : "") + "); its caller got a 500 error");
    }
    if (call.replyAddress() == null) {
      counted.done(); // a fire-and-forget call (a void method) never answers: it is over once handed over
    }
  }

  private static void refuse(Message<JsonObject> call, Throwable cause) {
    call.reply(cause instanceof ReplyException e ? e
        : new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, String.valueOf(cause.getMessage())));
  }
}
