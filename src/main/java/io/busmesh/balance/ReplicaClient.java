package io.busmesh.balance;

import io.busmesh.Replica;
import io.busmesh.ReplicaStats;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/**
 * This node's path to one replica: forwards a call to the replica's address and keeps its counts.
 * Used only from the balancer's event loop; the counters are volatile so that statistics can be read
 * from any thread (a single writer makes {@code ++} on them safe).
 */
final class ReplicaClient implements Candidate {

  private final EventBus eventBus;
  private final Replica replica;
  private volatile long inFlight;
  private volatile long succeeded;
  private volatile long failed;

  ReplicaClient(EventBus eventBus, Replica replica) {
    this.eventBus = eventBus;
    this.replica = replica;
  }

  @Override
  public Replica replica() {
    return replica;
  }

  @Override
  public double inFlight() {
    return inFlight;
  }

  @Override
  public double latencyEwmaNanos() {
    return 0;
  }

  @Override
  public double errorRate() {
    return 0;
  }

  @Override
  public double warmth() {
    return 1;
  }

  /** Sends {@code call}'s body and headers (method name, auth token…) unchanged to the replica. */
  Future<Message<Object>> forward(Message<Object> call, long timeoutMs) {
    inFlight++;
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs).setHeaders(call.headers());
    return eventBus.<Object>request(replica.address(), call.body(), options).andThen(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        succeeded++;
      } else {
        failed++;
      }
    });
  }

  ReplicaStats stats() {
    return new ReplicaStats(replica.address(), inFlight, succeeded, failed);
  }
}
