package io.busmesh.impl.replica;

import io.busmesh.MeshProtocol;
import io.busmesh.impl.log.LogText;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceInterceptor;

import io.busmesh.impl.fault.SecondsWindow;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First stop of every call at a replica (after the {@link CallerCheck} of one that authenticates its
 * callers), installed as a service-proxy interceptor: it rejects a malformed message with a clear
 * error (so the generated handler never sees it), refuses calls that arrive late or after the replica
 * started closing (they never run, so the caller's mesh may run them elsewhere), and counts the calls
 * in progress, which lets a closing replica wait for them and which its node shares as the replica's
 * load, and the calls and retries it received over the retry-budget window, which its node shares
 * for the callers' budgets.
 */
final class CallGuard implements ServiceInterceptor {

  private final String service;
  private final String address;
  /** The window over which calls and retries are counted (the callers' retry budget window). */
  static final int BUDGET_WINDOW_SECONDS = 10;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final SecondsWindow calls = new SecondsWindow(BUDGET_WINDOW_SECONDS);
  private final SecondsWindow retries = new SecondsWindow(BUDGET_WINDOW_SECONDS);
  private volatile boolean draining;
  private volatile Promise<Void> idle;
  private final Set<String> methods;

  CallGuard(String service, String address) {
    this(service, address, null);
  }

  /** @param methods the methods of the service interface; a call of any other is refused (null: not checked) */
  CallGuard(String service, String address, Set<String> methods) {
    this.service = service;
    this.address = address;
    this.methods = methods == null ? null : Set.copyOf(methods);
  }

  @Override
  public Future<Message<JsonObject>> intercept(Vertx vertx, Map<String, Object> context, Message<JsonObject> call) {
    Object body = call.body();
    if (!(body instanceof JsonObject)) {
      return malformed("its body must be a JSON object of named arguments, got "
          + (body == null ? "no body" : body.getClass().getSimpleName()));
    }
    String method = call.headers().get(MeshProtocol.ACTION_HEADER);
    if (method == null) {
      return malformed("it has no 'action' header naming the method to call");
    }
    if (methods != null && !methods.contains(method)) {
      return malformed("its service has no method " + LogText.quote(method));
    }
    String deadline = call.headers().get(MeshProtocol.DEADLINE_HEADER);
    if (deadline != null && isPast(deadline)) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, MeshProtocol.DEADLINE_EXCEEDED,
          "Call to replica " + address + " of service '" + service + "' arrived after its deadline; it was not run"));
    }
    (call.headers().contains(MeshProtocol.RETRY_HEADER) ? retries : calls).add(second());
    // Counted before the check, so that a closing replica either sees this call or this call sees it closing.
    inFlight.incrementAndGet();
    if (draining) {
      answered();
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, MeshProtocol.REPLICA_DRAINING,
          "Replica " + address + " of service '" + service + "' is closing and took no new call; it was not run"));
    }
    return Future.succeededFuture(new CountedMessage(call, this, System.nanoTime()));
  }

  private static boolean isPast(String deadlineEpochMs) {
    try {
      return System.currentTimeMillis() > Long.parseLong(deadlineEpochMs);
    } catch (NumberFormatException e) {
      return false; // a malformed deadline is no reason to refuse the call
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  /** First attempts received over the last {@value #BUDGET_WINDOW_SECONDS} s. */
  long windowCalls() {
    return calls.sum(second());
  }

  /** Retries (attempts marked {@link MeshProtocol#RETRY_HEADER}) received over the same window. */
  long windowRetries() {
    return retries.sum(second());
  }

  private static long second() {
    return System.nanoTime() / 1_000_000_000L;
  }

  /** From now on, refuses every call that arrives (no balancer routes here any more). */
  void startDraining() {
    draining = true;
  }

  /** Completes once no call is in progress, or fails after {@code timeoutMs} with the number left. */
  Future<Void> whenIdle(Vertx vertx, long timeoutMs) {
    Promise<Void> promise = Promise.promise();
    idle = promise;
    if (inFlight.get() == 0) {
      promise.tryComplete();
    } else {
      long timer = vertx.setTimer(Math.max(1, timeoutMs), id -> promise.tryFail(
          "replica " + address + " still had " + inFlight.get() + " call(s) in progress after " + timeoutMs + " ms"));
      promise.future().onComplete(ar -> vertx.cancelTimer(timer));
    }
    return promise.future();
  }

  void answered() {
    if (inFlight.decrementAndGet() == 0) {
      Promise<Void> waiting = idle;
      if (waiting != null) {
        waiting.tryComplete();
      }
    }
  }

  private Future<Message<JsonObject>> malformed(String problem) {
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, MeshProtocol.MALFORMED_CALL,
        "Malformed call to replica " + address + " of service '" + service + "': " + problem
            + ". Call it through the generated proxy for '" + service + "'."));
  }
}
