package io.busmesh.balance;

import io.busmesh.fault.Failures;
import io.busmesh.load.Clock;
import io.vertx.core.AsyncResult;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.serviceproxy.ServiceException;
import io.busmesh.load.LoadHeaders;

import java.util.ArrayList;
import java.util.List;

/**
 * One call through the mesh: attempts on replicas picked by the service's strategy until one
 * answers, falling back to a different replica after a failure that is safe to retry, within the
 * call's deadline, the attempt limit and the service's retry budget. Runs on the balancer's loop.
 */
final class RoutedCall {

  private final ServiceRoute route;
  private final Message<Object> call;
  private final Clock clock;
  private final long deadlineNanos;
  private final long deadlineEpochMs;
  private final List<ReplicaClient> tried = new ArrayList<>(2);
  private final List<String> failures = new ArrayList<>(2);

  RoutedCall(ServiceRoute route, Message<Object> call, Clock clock) {
    this.route = route;
    this.call = call;
    this.clock = clock;
    long timeoutMs = route.options().getCallTimeoutMs();
    this.deadlineNanos = clock.nanoTime() + timeoutMs * 1_000_000;
    this.deadlineEpochMs = clock.currentTimeMillis() + timeoutMs;
  }

  void start() {
    route.budget().called();
    attempt();
  }

  private void attempt() {
    List<ReplicaClient> candidates = route.available();
    if (!tried.isEmpty()) {
      candidates = new ArrayList<>(candidates);
      candidates.removeAll(tried);
    }
    if (candidates.isEmpty()) {
      fail(tried.isEmpty() ? route.noReplicaError() : summary("no other replica is available", null));
      return;
    }
    long remainingMs = (deadlineNanos - clock.nanoTime()) / 1_000_000;
    if (remainingMs < 1) {
      fail(summary("the call's deadline of " + route.options().getCallTimeoutMs() + " ms has passed",
          new ReplyException(ReplyFailure.TIMEOUT, "deadline")));
      return;
    }
    long attemptTimeout = route.options().getAttemptTimeoutMs();
    long timeoutMs = attemptTimeout > 0 ? Math.min(attemptTimeout, remainingMs) : remainingMs;
    ReplicaClient replica = (ReplicaClient) route.strategy().pick(candidates, call);
    replica.forward(call, timeoutMs, deadlineEpochMs).onComplete(answer -> answered(replica, answer));
  }

  private void answered(ReplicaClient replica, AsyncResult<Message<Object>> answer) {
    if (answer.succeeded()) {
      Message<Object> reply = answer.result();
      LoadHeaders.strip(reply.headers());
      if (reply.headers().isEmpty()) {
        call.reply(reply.body());
      } else {
        call.reply(reply.body(), new DeliveryOptions().setHeaders(reply.headers()));
      }
      return;
    }
    Throwable cause = answer.cause();
    tried.add(replica);
    failures.add(replica.replica().address() + " (" + describe(cause) + ")");
    boolean retryable = Failures.isRetryable(cause, route.options().getRetryableMethods().contains(call.headers().get("action")));
    if (!retryable) {
      fail(tried.size() == 1 ? cause : summary("the last failure is not safe to retry", cause));
    } else if (tried.size() >= route.options().getMaxAttempts()) {
      fail(summary("all " + tried.size() + " attempts allowed (maxAttempts) failed", cause));
    } else if (!route.budget().tryRetry()) {
      fail(summary("no retry left in the service's retry budget (retries are capped at "
          + Math.round(route.options().getRetryBudgetRatio() * 100) + "% of calls)", cause));
    } else {
      attempt();
    }
  }

  private void fail(Throwable cause) {
    if (cause instanceof ReplyException failure) {
      call.reply(failure); // keeps a ServiceException's code, message and debug info
    } else {
      call.fail(500, "Call to service '" + route.service() + "' failed: " + cause);
    }
  }

  /**
   * One error for a call that failed on several replicas, naming each and why. It keeps the type of
   * the last failure, and when that was the service's own error, its class, code and debug info, so
   * code that checks them still works.
   */
  private ReplyException summary(String why, Throwable last) {
    String message = "Call to service '" + route.service() + "' failed: " + why
        + (failures.isEmpty() ? "" : "; tried " + String.join(", ", failures));
    if (last instanceof ServiceException e) {
      return new ServiceException(e.failureCode(), message, e.getDebugInfo());
    }
    if (last instanceof ReplyException e) {
      return new ReplyException(e.failureType(), e.failureCode(), message);
    }
    return new ReplyException(last == null ? ReplyFailure.NO_HANDLERS : ReplyFailure.RECIPIENT_FAILURE, -1, message);
  }

  private static String describe(Throwable cause) {
    if (cause instanceof ReplyException e) {
      return e.failureType() + (e.failureType() == ReplyFailure.RECIPIENT_FAILURE ? " " + e.failureCode() : "") + ": " + e.getMessage();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
