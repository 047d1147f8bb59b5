package io.busmesh.impl.balance;

import io.busmesh.FaultMode;
import io.busmesh.MeshProtocol;
import io.busmesh.impl.fault.AttemptFailure;
import io.busmesh.impl.fault.HedgeTrigger;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.load.LoadHeaders;
import io.busmesh.strategy.CallInfo;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One call through the mesh: attempts on replicas picked by the service's strategy until one
 * answers. After a failure that is safe to retry ({@link AttemptFailure#retryable}: the call never
 * ran, or its method is idempotent) it falls back to a different replica, within the call's
 * deadline, the attempt limit and the service's retry budget; in {@code hedged} mode it also sends a
 * backup attempt for an idempotent method when the first is slow, and the first answer wins. A call
 * that may have run and cannot be retried fails saying so.
 * <p>
 * Runs on the context of its caller: it is started there, and every attempt's outcome and the hedge
 * timer come back there, so its own state needs no synchronization. Its collaborators are the
 * service's {@link ServiceRoute} and {@link AttemptTarget}s, so the whole logic runs in unit tests
 * with fake targets, timers and clock. A traced call's {@link CallTrace} has a span per attempt:
 * retries and hedges are attempts like the first.
 */
final class RoutedCall implements CallInfo {

  private final ServiceRoute route;
  private final Message<Object> call;
  private final Object body;
  /** Where answers to relayed attempts are seen; null when this call may not relay (not on its caller's loop). */
  private final RelayedReplies relayedReplies;
  private RelayedAttempt relayed;
  private final MultiMap headers;
  /** The spans of a traced call, else null. */
  private final CallTrace trace;
  /** The headers of the attempt being sent: the call's, or, when traced, a copy with the attempt's trace context. */
  private MultiMap attemptHeaders;
  private final Clock clock;
  private final long startedNanos;
  private final long deadlineNanos;
  /** When the latest attempt was launched. */
  private long launchedNanos;
  private final List<AttemptTarget> tried = new ArrayList<>(2);
  /** Picks whose breaker refused the attempt without sending it (open, or half-open with its probe under way). */
  private int refused;
  private List<String> failures; // created on the first failure: most calls have none
  private Throwable lastFailure;
  private int outstanding;
  private boolean done;
  private long hedgeTimer = -1;

  /**
   * @param body           the call's body as sent, forwarded to the replicas as it is
   * @param relayedReplies where this thread sees the answers to relayed attempts, if the call runs on its caller's
   *                       loop and may relay its first attempt; else null
   * @param trace          the call's spans, or null when it is not traced
   */
  RoutedCall(ServiceRoute route, Message<Object> call, Object body, RelayedReplies relayedReplies, CallTrace trace) {
    this.route = route;
    this.call = call;
    this.body = body;
    this.relayedReplies = relayedReplies;
    this.trace = trace;
    this.headers = call.headers();
    this.attemptHeaders = headers;
    this.clock = route.clock();
    long timeoutMs = route.options().getCallTimeoutMs();
    this.startedNanos = clock.nanoTime();
    this.deadlineNanos = startedNanos + timeoutMs * 1_000_000;
    // Replicas refuse work that arrives after it (they cannot know the caller gave up).
    headers.set(MeshProtocol.DEADLINE_HEADER, Long.toString(clock.currentTimeMillis() + timeoutMs));
  }

  void start() {
    if (call.replyAddress() == null) {
      sendOneWay();
      return;
    }
    route.budget().called(startedNanos);
    if (launch()) {
      scheduleHedge();
    }
  }

  /**
   * A fire-and-forget call (a {@code void} method): sent once to one replica, and over at once, since
   * nothing will come back to tell whether it arrived; a call with no replica to go to is dropped.
   */
  private void sendOneWay() {
    List<AttemptTarget> candidates = untried(route.snapshot().available());
    AttemptTarget replica = candidates.isEmpty() ? null : route.pick(candidates, this);
    done = true;
    route.callEnded();
    if (replica != null) {
      if (trace != null) {
        attemptHeaders = trace.attemptStarted(replica, CallTrace.Kind.FIRST, headers);
      }
      replica.sendOneWay(this);
    }
    if (trace != null) {
      if (replica != null) {
        trace.attemptSent(replica);
      }
      trace.callEnded(replica == null ? route.noReplicaError() : null);
    }
  }

  /** Starts an attempt on a replica not tried yet; false (and the call ended) if none can be started. */
  private boolean launch() {
    RouteSnapshot snapshot = route.snapshot();
    List<AttemptTarget> candidates = untried(snapshot.available());
    if (!tried.isEmpty()) {
      headers.set(MeshProtocol.RETRY_HEADER, "1"); // replicas count retries apart, for the cluster-wide retry budget
    }
    launchedNanos = tried.isEmpty() ? startedNanos : clock.nanoTime(); // the first attempt starts with the call
    long remainingMs = (deadlineNanos - launchedNanos) / 1_000_000;
    if (outstanding > 0 && (candidates.isEmpty() || remainingMs < 1)) {
      return false; // no backup possible; the attempt under way decides
    }
    if (candidates.isEmpty()) {
      finish(tried.isEmpty() ? route.noReplicaError() : CallErrors.summary(route.service(), failures,
          "no other replica is available",
          AttemptFailure.of(lastFailure).neverRan() ? null : lastFailure), false); // never ran anywhere: NO_HANDLERS
      return false;
    }
    if (remainingMs < 1) {
      finish(CallErrors.summary(route.service(), failures,
          "the call's deadline of " + route.options().getCallTimeoutMs() + " ms has passed",
          new ReplyException(ReplyFailure.TIMEOUT, "deadline")), false);
      return false;
    }
    long attemptTimeout = route.options().getAttemptTimeoutMs();
    long timeoutMs = attemptTimeout > 0 ? Math.min(attemptTimeout, remainingMs) : remainingMs;
    AttemptTarget replica;
    try {
      replica = route.pick(candidates, this);
    } catch (RuntimeException e) {
      finish(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, -1, "Call to service '" + route.service()
          + "' failed: its strategy '" + route.strategyName() + "' threw " + e), false);
      return false;
    }
    if (replica == null) {
      finish(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, -1, "Call to service '" + route.service()
          + "' failed: its strategy '" + route.strategyName() + "' picked no replica of " + candidates.size()
          + "; a Strategy must return one of the candidates it is given"), false);
      return false;
    }
    if (trace != null) {
      attemptHeaders = trace.attemptStarted(replica, tried.isEmpty() ? CallTrace.Kind.FIRST
          : outstanding > 0 ? CallTrace.Kind.HEDGE : CallTrace.Kind.RETRY, headers);
    }
    tried.add(replica);
    outstanding++;
    replica.forward(this, timeoutMs, snapshot.panicking());
    return true;
  }

  /**
   * {@code available}, less the replicas this call tried: the list itself when it tried none, so that
   * strategies see the same instance from call to call and keep what they built from it.
   */
  @SuppressWarnings("unchecked")
  private List<AttemptTarget> untried(List<? extends AttemptTarget> available) {
    if (tried.isEmpty()) {
      return (List<AttemptTarget>) available;
    }
    List<AttemptTarget> rest = new ArrayList<>(available);
    rest.removeAll(tried);
    return rest;
  }

  /** In hedged mode, for an idempotent method: a backup attempt once this one outlives the trigger. */
  private void scheduleHedge() {
    HedgeTrigger trigger = route.hedgeTrigger();
    if (done || trigger == null || !route.isIdempotent(method())) {
      return;
    }
    long delayNanos = trigger.delayNanos();
    if (delayNanos < 0) {
      return;
    }
    hedgeTimer = route.timers().schedule(Math.max(1, delayNanos / 1_000_000), () -> {
      hedgeTimer = -1;
      if (!done && attemptsSent() < route.options().getMaxAttempts() && route.hedgeBudget().tryRetry()) {
        route.hedgesSent().increment();
        launch();
      }
    });
  }

  /**
   * The outcome of one attempt on {@code replica}: its reply, or why it failed. Called by the target,
   * on this call's context, once per attempt.
   *
   * @param relayedAnswer the reply, or the failure, is the answer of a relayed attempt on its way to
   *                      the caller, which may let it through instead of sending one of its own
   * @return true if the relayed answer should go on to the caller as it is
   */
  boolean attemptEnded(AttemptTarget replica, Message<Object> reply, Throwable cause, boolean relayedAnswer) {
    outstanding--;
    if (trace != null) {
      trace.attemptEnded(replica, cause, done);
    }
    if (done) {
      return false; // a hedged twin, or a late relayed answer, came first
    }
    if (cause == null) {
      HedgeTrigger trigger = route.hedgeTrigger();
      if (trigger != null) {
        trigger.record(clock.nanoTime() - startedNanos);
      }
      end(null);
      if (relayedAnswer) {
        return true; // as the replica sent it: reading its headers to strip them would decode them all
      }
      LoadHeaders.strip(reply.headers());
      if (reply.headers().isEmpty()) {
        call.reply(reply.body(), CallTrace.ANSWER);
      } else {
        call.reply(reply.body(), new DeliveryOptions().setHeaders(reply.headers())
            .setTracingPolicy(CallTrace.ANSWER.getTracingPolicy()));
      }
      return false;
    }
    AttemptFailure failure = AttemptFailure.of(cause);
    if (failures == null) {
      failures = new ArrayList<>(2);
    }
    failures.add(replica.replica().address() + " (" + CallErrors.describe(cause) + ")");
    lastFailure = cause;
    if (failure == AttemptFailure.REFUSED_BY_BREAKER) {
      refused++; // nothing was sent: it costs neither an attempt nor the retry budget
      route.breakerRefusals().increment();
      if (outstanding == 0) {
        launch();
      }
      return false;
    }
    if (outstanding > 0) {
      return false; // the other attempt may still answer
    }
    String method = method();
    boolean idempotent = route.isIdempotent(method);
    boolean retryable = route.options().getFaultMode() != FaultMode.FAILFAST
        && failure.retryable(idempotent, route.options().getRetryableMethods().contains(method));
    if (!retryable) {
      Throwable answer = failure == AttemptFailure.OUTCOME_UNKNOWN && !idempotent
          ? CallErrors.outcomeUnknown(route.service(), method, replica.replica().address(), cause, failures)
          : tried.size() == 1 ? cause : CallErrors.summary(route.service(), failures, "the last failure is not safe to retry", cause);
      return finish(answer, relayedAnswer && answer == cause);
    } else if (attemptsSent() >= route.options().getMaxAttempts()) {
      return finish(CallErrors.summary(route.service(), failures,
          "all " + attemptsSent() + " attempts allowed (maxAttempts) failed", cause), false);
    } else if (!route.budget().tryRetry()) {
      route.budgetExhausted().increment();
      return finish(CallErrors.summary(route.service(), failures, "no retry left in the service's retry budget (retries are capped at "
          + Math.round(route.options().getRetryBudgetRatio() * 100) + "% of calls)", cause), false);
    }
    route.retries().increment();
    launch();
    return false;
  }

  /**
   * Whether the attempt being sent may carry the caller's own reply address (see {@link ReplyRelay}):
   * the call's first, on its caller's loop, not hedged (a twin's answer could not be told apart).
   */
  boolean mayRelay() {
    return relayedReplies != null && tried.size() == 1 && outstanding == 1 && route.hedgeTrigger() == null
        && call.replyAddress() != null;
  }

  /** The first attempt was relayed: its answer will reach {@link #relayedAnswer} before the caller. */
  void relaying(RelayedAttempt attempt) {
    relayed = attempt;
    relayedReplies.expect(call.replyAddress(), this);
  }

  /** The caller's reply address, at which a relayed attempt is answered. */
  String replyAddress() {
    return call.replyAddress();
  }

  /**
   * An answer at the caller's reply address, on its way to the caller: the relayed attempt's, or a
   * late one of a relayed attempt that timed out while this (idempotent) call went on elsewhere.
   *
   * @return true to let it through to the caller, false to keep it back
   */
  boolean relayedAnswer(Message<Object> answer) {
    if (!relayed.hasEnded()) {
      return relayed.answered(answer);
    }
    if (done || Answers.failureOf(answer) != null) {
      return false; // a late failure: the attempt under way decides
    }
    end(null); // a late success: the first answer wins, as it would for a hedged call
    return true;
  }

  @Override
  public String service() {
    return route.service();
  }

  @Override
  public String method() {
    return headers.get(MeshProtocol.ACTION_HEADER);
  }

  /** The call's headers (method, token, deadline…), which every attempt carries; for targets and strategies, read only. */
  @Override
  public MultiMap headers() {
    return headers;
  }

  @Override
  public JsonObject arguments() {
    return body instanceof JsonObject arguments ? arguments : null;
  }

  /** When the attempt being sent was launched, by the route's clock. */
  long launchedNanos() {
    return launchedNanos;
  }

  /**
   * The headers the attempt being sent carries: {@link #headers()}, or when the call is traced a copy of them
   * with the attempt's trace context. Read by the target as it sends the attempt.
   */
  MultiMap attemptHeaders() {
    return attemptHeaders;
  }

  /** The call's body as the caller sent it, which every attempt carries. */
  Object body() {
    return body;
  }

  private int attemptsSent() {
    return tried.size() - refused;
  }

  /** @param failure what the caller is answered with, or null; for the call's trace */
  private void end(Throwable failure) {
    if (!done) {
      route.callEnded();
      if (trace != null) {
        trace.callEnded(failure);
      }
    }
    done = true;
    if (relayed != null) {
      relayedReplies.forget(call.replyAddress()); // before any answer of ours, which must go straight through
    }
    if (hedgeTimer >= 0) {
      route.timers().cancel(hedgeTimer);
    }
  }

  /**
   * Ends the call with a failure, or with the configured value in failsafe mode.
   *
   * @param relayedAnswer {@code cause} is the answer of a relayed attempt on its way to the caller
   * @return true if that answer should go on to the caller as it is
   */
  private boolean finish(Throwable cause, boolean relayedAnswer) {
    boolean failsafe = route.options().getFaultMode() == FaultMode.FAILSAFE;
    end(failsafe ? null : cause);
    if (failsafe) {
      call.reply(route.options().getFailsafeValue(), CallTrace.ANSWER);
    } else if (relayedAnswer) {
      return true;
    } else if (cause instanceof ReplyException failure) {
      call.reply(failure, CallTrace.ANSWER); // keeps a ServiceException's code, message and debug info
    } else {
      call.reply(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, "Call to service '" + route.service()
          + "' failed: " + cause), CallTrace.ANSWER);
    }
    return false;
  }
}
