package io.busmesh.balance;

import io.busmesh.Replica;
import io.busmesh.load.LoadHeaders;
import io.busmesh.load.ReplicaLoad;
import io.busmesh.load.ReplicaLoad.Outcome;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * This node's path to one replica: forwards a call to the replica's address and accounts for it in
 * the replica's {@link ReplicaLoad}. Used only from the balancer's event loop.
 */
final class ReplicaClient implements Candidate {

  private final EventBus eventBus;
  private final ReplicaLoad load;

  ReplicaClient(EventBus eventBus, ReplicaLoad load) {
    this.eventBus = eventBus;
    this.load = load;
  }

  ReplicaLoad load() {
    return load;
  }

  /** Sends {@code call}'s body and headers (method name, auth token…) unchanged to the replica. */
  Future<Message<Object>> forward(Message<Object> call, long timeoutMs) {
    long started = load.callStarted();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs).setHeaders(call.headers());
    return eventBus.<Object>request(load.replica().address(), call.body(), options).andThen(answer -> {
      if (answer.succeeded()) {
        Message<Object> reply = answer.result();
        load.callEnded(started, Outcome.SUCCESS, LoadHeaders.read(reply.headers(), LoadHeaders.SERVER_IN_FLIGHT),
            LoadHeaders.read(reply.headers(), LoadHeaders.SERVICE_MICROS) * 1_000);
      } else {
        load.callEnded(started, outcomeOf(answer.cause()), -1, -1);
      }
    });
  }

  /** A failure the service itself sent is an application error; anything else needs fault handling. */
  private static Outcome outcomeOf(Throwable failure) {
    return failure instanceof ReplyException e && e.failureType() == ReplyFailure.RECIPIENT_FAILURE
        ? Outcome.APPLICATION_ERROR : Outcome.FAULT;
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
