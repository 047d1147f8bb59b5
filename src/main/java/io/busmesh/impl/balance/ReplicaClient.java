package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.impl.fault.AttemptFailure;
import io.busmesh.impl.fault.ReplicaBreaker;
import io.busmesh.impl.fault.ReplicaGoneException;
import io.busmesh.impl.load.LoadHeaders;
import io.busmesh.impl.load.ReplicaLoad;
import io.busmesh.impl.load.ReplicaLoad.Outcome;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;

/**
 * This node's path to one replica: every attempt passes the replica's circuit breaker (which only
 * the service's panic mode may override), is accounted for in the replica's {@link ReplicaLoad},
 * and can be failed at once when the replica's node leaves (instead of waiting out the send
 * timeout). Attempts start on the event loops of their callers, so everything here is safe to use
 * from any thread; each attempt ends on the context that started it.
 */
final class ReplicaClient implements AttemptTarget {

  /**
   * An answer's load figures are read if none was read from this replica for this long: reading a reply's
   * headers decodes them all, which at tens of thousands of calls a second is a cost worth sparing, while
   * a replica called a few hundred times a second or less has every answer read.
   */
  static final long LOAD_REPORT_INTERVAL_NANOS = 5_000_000;

  private final EventBus eventBus;
  private final ReplyRelay relay;
  /** Attempts waiting for their answer: found there if they time out or the replica's node leaves. */
  private final PendingAttempts pending;
  private final ReplicaLoad load;
  private final ReplicaBreaker breaker;
  /** When the attempt whose answer's load figures were last read started; see {@link #LOAD_REPORT_INTERVAL_NANOS}. */
  private volatile long lastReportReadNanos = Long.MIN_VALUE / 2;

  ReplicaClient(EventBus eventBus, ReplyRelay relay, PendingAttempts pending, ReplicaLoad load, ReplicaBreaker breaker) {
    this.eventBus = eventBus;
    this.relay = relay;
    this.pending = pending;
    this.load = load;
    this.breaker = breaker;
  }

  ReplicaLoad load() {
    return load;
  }

  CircuitBreakerState breakerState() {
    return breaker.state();
  }

  /**
   * Sends the call's body and headers (method name, auth token, deadline…) unchanged to the replica.
   * Through a closed breaker the attempt goes straight out and its outcome is reported to the
   * breaker; a half-open one lets its single probe through; an open one refuses at once, unless
   * {@code panic} says to send anyway.
   */
  @Override
  public void forward(RoutedCall call, long timeoutMs, boolean panic) {
    MultiMap headers = call.attemptHeaders(); // now: a hedge may be launched before a probe is sent
    switch (breaker.state()) {
      case CLOSED -> {
        if (relay.isWorking() && call.mayRelay()) {
          relay(call, headers, timeoutMs);
        } else {
          send(call, headers, timeoutMs, null);
        }
      }
      case OPEN -> {
        if (panic) {
          send(call, headers, timeoutMs, null);
        } else {
          call.attemptEnded(this, null, OpenCircuitException.INSTANCE, false);
        }
      }
      case HALF_OPEN -> breaker.<Message<Object>>probe(probe -> send(call, headers, timeoutMs, probe)).onComplete(answer -> {
        if (answer.failed() && answer.cause() instanceof OpenCircuitException && panic) {
          send(call, headers, timeoutMs, null); // another call holds the probe; in panic this one goes anyway
        } else {
          call.attemptEnded(this, answer.result(), answer.cause(), false);
        }
      });
    }
  }

  /**
   * Sends the call's first attempt with the caller's own reply address; its answer comes back through
   * {@link RelayedReplies}, and its loop's timer in {@link PendingAttempts} times it out.
   */
  private void relay(RoutedCall call, MultiMap headers, long timeoutMs) {
    long started = call.launchedNanos();
    load.callStarted(started);
    Relayed attempt = new Relayed(call, started, ContextInternal.current(), started + Math.max(1, timeoutMs) * 1_000_000);
    pending.add(attempt);
    call.relaying(attempt);
    Future<Void> sent = relay.send(load.replica().address(), headers, call.body(), call.replyAddress());
    if (sent.failed()) {
      attempt.notSent(sent.cause());
    }
  }

  /** @param probe the breaker's half-open probe to complete, which then judges the outcome; null: report it here */
  private void send(RoutedCall call, MultiMap headers, long timeoutMs, Promise<Message<Object>> probe) {
    long started = call.launchedNanos();
    load.callStarted(started);
    Requested attempt = new Requested(call, probe, started, ContextInternal.current());
    pending.add(attempt);
    // Vert.x's own span of the request is left out: a traced attempt has busmesh's (see CallTrace).
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(Math.max(1, timeoutMs)).setHeaders(headers)
        .setTracingPolicy(CallTrace.ATTEMPT_POLICY);
    // A body that cannot be encoded is answered by the CallInterceptor with MALFORMED: the caller's
    // fault, the same on any replica, so neither retried nor held against this replica.
    eventBus.<Object>request(load.replica().address(), call.body(), options).onComplete(attempt);
  }

  @Override
  public void sendOneWay(RoutedCall call) {
    load.oneWaySent();
    eventBus.send(load.replica().address(), call.body(), new DeliveryOptions().setHeaders(call.attemptHeaders())
        .setTracingPolicy(CallTrace.ATTEMPT_POLICY));
  }

  @Override
  public Replica replica() {
    return load.replica();
  }

  @Override
  public double inFlight() {
    return load.clusterInFlight();
  }

  @Override
  public double latencyEwmaNanos() {
    return load.latencyEwmaNanos();
  }

  @Override
  public double latencyAverageNanos() {
    return load.latencyAverageNanos();
  }

  @Override
  public double errorRate() {
    return load.errorRate();
  }

  @Override
  public double warmth() {
    return load.warmth();
  }

  /**
   * One attempt in flight: ends once, on the context that sent it, whichever comes first of its
   * answer, its timeout and the departure of the replica's node; then it is counted in the replica's
   * load, reported to its breaker, and the call hears of it.
   */
  private abstract class Attempt extends PendingAttempts.Attempt {

    final RoutedCall call;
    final long startedNanos;
    boolean ended; // touched only on the context

    Attempt(RoutedCall call, long startedNanos, ContextInternal context, long deadlineNanos) {
      super(context, deadlineNanos);
      this.call = call;
      this.startedNanos = startedNanos;
    }

    @Override
    String nodeId() {
      return load.replica().nodeId();
    }

    @Override
    void nodeLeft() {
      fail(new ReplicaGoneException(load.replica().address(), load.replica().nodeId()));
    }

    abstract void fail(Throwable cause);

    /** Counts the outcome in the replica's load; returns the kind of failure, or null for an answer. */
    AttemptFailure account(Message<Object> reply, Throwable failure) {
      pending.remove(this);
      if (failure == null) {
        // The replica's own figures, at most every LOAD_REPORT_INTERVAL_NANOS (by when the attempts started:
        // no clock read). Loops race on the field at worst into reading one answer more.
        boolean read = startedNanos - lastReportReadNanos >= LOAD_REPORT_INTERVAL_NANOS;
        if (read) {
          lastReportReadNanos = startedNanos;
        }
        load.callEnded(startedNanos, Outcome.SUCCESS,
            read ? LoadHeaders.read(reply.headers(), MeshProtocol.SERVER_IN_FLIGHT_HEADER) : -1,
            read ? LoadHeaders.read(reply.headers(), MeshProtocol.SERVICE_MICROS_HEADER) * 1_000 : -1);
        return null;
      }
      AttemptFailure kind = AttemptFailure.of(failure);
      // A refused caller is an answer of a healthy replica, like the service's own error: no fault of the replica.
      load.callEnded(startedNanos, kind == AttemptFailure.APPLICATION_ERROR || kind == AttemptFailure.REFUSED_CALLER
          ? Outcome.APPLICATION_ERROR : Outcome.FAULT, -1, -1);
      return kind;
    }

    /** Tells the breaker of an attempt it did not run itself. */
    void report(AttemptFailure kind, Throwable failure) {
      if (kind != null && kind.isFault()) {
        breaker.faulted(failure);
      } else {
        breaker.succeeded();
      }
    }
  }

  /** An attempt sent with {@code EventBus.request}: its own reply address and timeout, answered here. */
  private final class Requested extends Attempt implements Handler<AsyncResult<Message<Object>>> {

    private final Promise<Message<Object>> probe;

    Requested(RoutedCall call, Promise<Message<Object>> probe, long startedNanos, ContextInternal context) {
      super(call, startedNanos, context, NO_DEADLINE);
      this.probe = probe;
    }

    @Override
    public void handle(AsyncResult<Message<Object>> answer) {
      if (ended) {
        return;
      }
      ended = true;
      AttemptFailure kind = account(answer.result(), answer.cause());
      if (probe != null) {
        probe.handle(answer); // the breaker judges its probe, then RoutedCall hears of it through forward()
        return;
      }
      report(kind, answer.cause());
      call.attemptEnded(ReplicaClient.this, answer.result(), answer.cause(), false);
    }

    @Override
    void timedOut() {
      // The request's own timeout answers it.
    }

    @Override
    void fail(Throwable cause) {
      handle(Future.failedFuture(cause));
    }
  }

  /** An attempt sent with the caller's reply address: its answer is seen on its way to the caller. */
  private final class Relayed extends Attempt implements RelayedAttempt {

    Relayed(RoutedCall call, long startedNanos, ContextInternal context, long deadlineNanos) {
      super(call, startedNanos, context, deadlineNanos);
    }

    @Override
    public boolean hasEnded() {
      return ended;
    }

    @Override
    public boolean answered(Message<Object> answer) {
      ReplyException failure = Answers.failureOf(answer);
      return failure != null ? end(null, failure, true) : end(answer, null, true);
    }

    /**
     * The attempt could not be sent: it never reached the replica, so any call may go elsewhere. Only a
     * failure known at once is seen (Vert.x knows the replica's address has no consumer any more): a
     * listener for later ones would cost every call a task on its loop when the write completes, and a
     * write that fails later is caught by the attempt's timeout or its node's departure.
     */
    void notSent(Throwable cause) {
      end(null, cause instanceof ReplyException e ? e : new ReplyException(ReplyFailure.NO_HANDLERS, -1,
          "Could not send to replica " + load.replica().address() + ": " + cause), false);
    }

    @Override
    void timedOut() {
      end(null, new ReplyException(ReplyFailure.TIMEOUT, "No answer from replica " + load.replica().address()
          + " within " + (deadlineNanos - startedNanos) / 1_000_000 + " ms"), false);
    }

    @Override
    void fail(Throwable cause) {
      end(null, cause, false);
    }

    boolean end(Message<Object> reply, Throwable failure, boolean relayedAnswer) {
      if (ended) {
        return false;
      }
      ended = true;
      AttemptFailure kind = account(reply, failure);
      report(kind, failure);
      return call.attemptEnded(ReplicaClient.this, reply, failure, relayedAnswer);
    }
  }
}
