package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.impl.fault.AttemptFailure;
import io.busmesh.impl.fault.ReplicaBreaker;
import io.busmesh.impl.load.LoadHeaders;
import io.busmesh.impl.load.ReplicaLoad;
import io.busmesh.impl.load.ReplicaLoad.Outcome;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's path to one replica: every attempt passes the replica's circuit breaker (which only
 * the service's panic mode may override), is accounted for in the replica's {@link ReplicaLoad},
 * and can be failed at once when the replica's node leaves (instead of waiting out the send
 * timeout). Attempts start on the event loops of their callers, so everything here is safe to use
 * from any thread; each attempt ends on the context that started it.
 */
final class ReplicaClient implements AttemptTarget {

  private final EventBus eventBus;
  private final ReplicaLoad load;
  private final ReplicaBreaker breaker;
  private final Set<Attempt> pending = ConcurrentHashMap.newKeySet();

  ReplicaClient(EventBus eventBus, ReplicaLoad load, ReplicaBreaker breaker) {
    this.eventBus = eventBus;
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
    switch (breaker.state()) {
      case CLOSED -> send(call, timeoutMs, null);
      case OPEN -> {
        if (panic) {
          send(call, timeoutMs, null);
        } else {
          call.attemptEnded(this, null, OpenCircuitException.INSTANCE);
        }
      }
      case HALF_OPEN -> breaker.<Message<Object>>probe(probe -> send(call, timeoutMs, probe)).onComplete(answer -> {
        if (answer.failed() && answer.cause() instanceof OpenCircuitException && panic) {
          send(call, timeoutMs, null); // another call holds the probe; in panic this one goes anyway
        } else {
          call.attemptEnded(this, answer.result(), answer.cause());
        }
      });
    }
  }

  /** @param probe the breaker's half-open probe to complete, which then judges the outcome; null: report it here */
  private void send(RoutedCall call, long timeoutMs, Promise<Message<Object>> probe) {
    Attempt attempt = new Attempt(call, probe, load.callStarted(), ContextInternal.current());
    pending.add(attempt);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(Math.max(1, timeoutMs)).setHeaders(call.headers());
    // A body that cannot be encoded is answered by the CallInterceptor with MALFORMED: the caller's
    // fault, the same on any replica, so neither retried nor held against this replica.
    eventBus.<Object>request(load.replica().address(), call.body(), options).onComplete(attempt);
  }

  @Override
  public void sendOneWay(RoutedCall call) {
    load.oneWaySent();
    eventBus.send(load.replica().address(), call.body(), new DeliveryOptions().setHeaders(call.headers()));
  }

  /** Fails every attempt still waiting on this replica, e.g. because its node left the cluster; any thread. */
  void failPending(Throwable cause) {
    for (Attempt attempt : pending) {
      attempt.context.runOnContext(v -> attempt.handle(Future.failedFuture(cause)));
    }
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

  /** One attempt in flight: ends once, on the context that sent it, whichever comes first of its answer and a node departure. */
  private final class Attempt implements Handler<AsyncResult<Message<Object>>> {

    private final RoutedCall call;
    private final Promise<Message<Object>> probe;
    private final long startedNanos;
    private final ContextInternal context;
    private boolean ended; // touched only on the context

    Attempt(RoutedCall call, Promise<Message<Object>> probe, long startedNanos, ContextInternal context) {
      this.call = call;
      this.probe = probe;
      this.startedNanos = startedNanos;
      this.context = context;
    }

    @Override
    public void handle(AsyncResult<Message<Object>> answer) {
      if (ended) {
        return;
      }
      ended = true;
      pending.remove(this);
      Throwable failure = answer.cause();
      if (answer.succeeded()) {
        Message<Object> reply = answer.result();
        load.callEnded(startedNanos, Outcome.SUCCESS, LoadHeaders.read(reply.headers(), MeshProtocol.SERVER_IN_FLIGHT_HEADER),
            LoadHeaders.read(reply.headers(), MeshProtocol.SERVICE_MICROS_HEADER) * 1_000);
      } else {
        AttemptFailure kind = AttemptFailure.of(failure);
        // A refused caller is an answer of a healthy replica, like the service's own error: no fault of the replica.
        load.callEnded(startedNanos, kind == AttemptFailure.APPLICATION_ERROR || kind == AttemptFailure.REFUSED_CALLER
            ? Outcome.APPLICATION_ERROR : Outcome.FAULT, -1, -1);
      }
      if (probe != null) {
        probe.handle(answer); // the breaker judges its probe, then RoutedCall hears of it through forward()
        return;
      }
      if (failure != null && AttemptFailure.of(failure).isFault()) {
        breaker.faulted(failure);
      } else {
        breaker.succeeded();
      }
      call.attemptEnded(ReplicaClient.this, answer.result(), failure);
    }
  }
}
