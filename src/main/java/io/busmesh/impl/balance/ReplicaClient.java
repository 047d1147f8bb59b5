package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.impl.fault.AttemptFailure;
import io.busmesh.impl.load.LoadHeaders;
import io.busmesh.impl.load.ReplicaLoad;
import io.busmesh.impl.load.ReplicaLoad.Outcome;
import io.busmesh.impl.log.LogText;
import io.busmesh.strategy.Candidate;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * This node's path to one replica: every attempt runs inside the replica's Vert.x circuit breaker
 * (which only the service's panic mode may override), is accounted for in the replica's
 * {@link ReplicaLoad}, and can be failed at once when the replica's node leaves (instead of waiting
 * out the send timeout). Used only from the balancer's event loop.
 */
final class ReplicaClient implements Candidate {

  private final EventBus eventBus;
  private final ReplicaLoad load;
  private final CircuitBreaker breaker;
  private final Set<Promise<Message<Object>>> pending = new LinkedHashSet<>();

  ReplicaClient(EventBus eventBus, ReplicaLoad load, CircuitBreaker breaker) {
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
   * Sends {@code call}'s body and headers (method name, auth token…) unchanged to the replica,
   * through its breaker: a breaker that refuses (open, or half-open with its probe out) fails at
   * once with {@code OpenCircuitException}, unless {@code panic} (no replica of the service has a
   * closed breaker) says to send anyway.
   */
  Future<Message<Object>> forward(Message<Object> call, long timeoutMs, long deadlineEpochMs, boolean panic) {
    if (!panic) {
      return breaker.execute(attempt -> send(call, timeoutMs, deadlineEpochMs, attempt));
    }
    if (breaker.state() == CircuitBreakerState.OPEN) {
      return sendOutsideBreaker(call, timeoutMs, deadlineEpochMs);
    }
    return breaker.<Message<Object>>execute(attempt -> send(call, timeoutMs, deadlineEpochMs, attempt))
        .recover(err -> err instanceof OpenCircuitException ? sendOutsideBreaker(call, timeoutMs, deadlineEpochMs)
            : Future.failedFuture(err));
  }

  private Future<Message<Object>> sendOutsideBreaker(Message<Object> call, long timeoutMs, long deadlineEpochMs) {
    Promise<Message<Object>> attempt = Promise.promise();
    send(call, timeoutMs, deadlineEpochMs, attempt);
    return attempt.future();
  }

  private void send(Message<Object> call, long timeoutMs, long deadlineEpochMs, Promise<Message<Object>> attempt) {
    long started = load.callStarted();
    pending.add(attempt);
    call.headers().set(MeshProtocol.DEADLINE_HEADER, Long.toString(deadlineEpochMs));
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(Math.max(1, timeoutMs)).setHeaders(call.headers());
    attempt.future().onComplete(answer -> {
      pending.remove(attempt);
      if (answer.succeeded()) {
        Message<Object> reply = answer.result();
        load.callEnded(started, Outcome.SUCCESS, LoadHeaders.read(reply.headers(), MeshProtocol.SERVER_IN_FLIGHT_HEADER),
            LoadHeaders.read(reply.headers(), MeshProtocol.SERVICE_MICROS_HEADER) * 1_000);
      } else {
        AttemptFailure failure = AttemptFailure.of(answer.cause());
        // A refused caller is an answer of a healthy replica, like the service's own error: no fault of the replica.
        load.callEnded(started, failure == AttemptFailure.APPLICATION_ERROR || failure == AttemptFailure.REFUSED_CALLER
            ? Outcome.APPLICATION_ERROR : Outcome.FAULT, -1, -1);
      }
    });
    try {
      eventBus.<Object>request(load.replica().address(), call.body(), options).onComplete(answer -> {
        if (answer.succeeded()) {
          attempt.tryComplete(answer.result());
        } else {
          attempt.tryFail(answer.cause());
        }
      });
    } catch (RuntimeException e) {
      // The body could not be encoded (e.g. JSON nested deeper than Jackson writes): the caller's
      // fault, the same on any replica, so it is MALFORMED rather than a fault of this replica.
      attempt.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, MeshProtocol.MALFORMED_CALL,
          "Call to service '" + load.replica().service() + "' could not be sent: its arguments cannot be encoded ("
              + e.getClass().getSimpleName() + ": " + LogText.quote(e.getMessage()) + "). Nothing ran."));
    }
  }

  /** Fails every attempt still waiting on this replica, e.g. because its node left the cluster. */
  void failPending(Throwable cause) {
    for (Promise<Message<Object>> attempt : new ArrayList<>(pending)) {
      attempt.tryFail(cause);
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
}
