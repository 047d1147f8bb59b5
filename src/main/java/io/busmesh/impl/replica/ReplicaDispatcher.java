package io.busmesh.impl.replica;

import io.busmesh.MeshProtocol;
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

/**
 * The consumer at a replica's address, in place of vertx-service-proxy's own chain: the replica's
 * {@link CallerCheck} if it has one, then the {@link CallGuard}, then the generated handler. The generated handler answers a call that fails before the service (unknown arguments
 * of the wrong type, a method that throws) with a 500 error and then rethrows; that rethrow is
 * caught here and logged at most once a period, rather than as one stack trace per message.
 */
final class ReplicaDispatcher implements Handler<Message<JsonObject>> {

  private static final Logger log = LoggerFactory.getLogger(ReplicaDispatcher.class);
  private static final long FAILURE_LOG_PERIOD_MS = 10_000;

  private final Vertx vertx;
  private final CallGuard guard;
  private final ServiceInterceptor callerCheck; // null when the replica takes any caller
  private final ProxyHandler service;
  private final String address;
  private final RateLimitedLog failures;

  ReplicaDispatcher(Vertx vertx, String address, ServiceInterceptor callerCheck, CallGuard guard, ProxyHandler service) {
    this.vertx = vertx;
    this.address = address;
    this.callerCheck = callerCheck;
    this.guard = guard;
    this.service = service;
    this.failures = new RateLimitedLog(log, Clock.SYSTEM, FAILURE_LOG_PERIOD_MS);
  }

  @Override
  public void handle(Message<JsonObject> call) {
    if (call.headers().contains(MeshProtocol.PING_HEADER)) {
      call.reply(null); // a balancer opening its connection to this node: nothing runs
      return;
    }
    if (callerCheck == null) {
      admit(call);
      return;
    }
    // A context of its own per call: the stock chain shares one map across all messages of a consumer.
    callerCheck.intercept(vertx, new HashMap<>(), call).onComplete(ar -> {
      if (ar.succeeded()) {
        admit(ar.result());
      } else {
        refuse(call, ar.cause());
      }
    });
  }

  private void admit(Message<JsonObject> call) {
    Future<Message<JsonObject>> admitted = guard.intercept(vertx, null, call);
    if (admitted.failed()) {
      refuse(call, admitted.cause());
      return;
    }
    dispatch((CountedMessage) admitted.result());
  }

  private void dispatch(CountedMessage call) {
    try {
      service.handle(call);
    } catch (Throwable t) {
      failures.warn("A call of method " + LogText.quote(call.headers().get("action")) + " to replica " + address
          + " failed before the service answered it (" + t.getClass().getName() + ": " + LogText.quote(t.getMessage())
          + (t.getStackTrace().length > 0 ? " at " + t.getStackTrace()[0] : "") + "); its caller got a 500 error");
    }
    if (call.replyAddress() == null) {
      call.done(); // a fire-and-forget call (a void method) never answers: it is over once handed over
    }
  }

  private static void refuse(Message<JsonObject> call, Throwable cause) {
    call.reply(cause instanceof ReplyException e ? e
        : new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, String.valueOf(cause.getMessage())));
  }
}
