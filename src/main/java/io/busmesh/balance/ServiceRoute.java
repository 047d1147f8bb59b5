package io.busmesh.balance;

import io.busmesh.ServiceOptions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.List;
import java.util.function.Supplier;

/**
 * The path of a call to one service on this node: the generated proxy sends to the service name,
 * this local consumer picks a replica with the service's strategy and relays the replica's answer
 * (result, {@code ServiceException} or timeout) back unchanged. Runs on the balancer's event loop.
 */
final class ServiceRoute implements Handler<Message<Object>> {

  private final String service;
  private final Supplier<List<ReplicaClient>> candidates;
  private final Strategy strategy;
  private final long timeoutMs;

  ServiceRoute(String service, ServiceOptions options, Supplier<List<ReplicaClient>> candidates) {
    this.service = service;
    this.candidates = candidates;
    this.strategy = Strategy.named(options.getStrategy(), options.getStrategyOptions());
    this.timeoutMs = options.getCallTimeoutMs();
  }

  @Override
  public void handle(Message<Object> call) {
    List<ReplicaClient> replicas = candidates.get();
    if (replicas.isEmpty()) {
      call.reply(new ReplyException(ReplyFailure.NO_HANDLERS, -1,
          "No replica is registered for service '" + service + "': publish one with Mesh.publish(\""
              + service + "\", ...) on a node of this cluster, or check the service name"));
      return;
    }
    ReplicaClient replica = (ReplicaClient) strategy.pick(replicas, call);
    replica.forward(call, timeoutMs).onComplete(answer -> relay(call, answer));
  }

  private static void relay(Message<Object> call, AsyncResult<Message<Object>> answer) {
    if (answer.succeeded()) {
      Message<Object> reply = answer.result();
      if (reply.headers().isEmpty()) {
        call.reply(reply.body());
      } else {
        call.reply(reply.body(), new DeliveryOptions().setHeaders(reply.headers()));
      }
    } else if (answer.cause() instanceof ReplyException failure) {
      call.reply(failure); // keeps a ServiceException's code, message and debug info
    } else {
      call.fail(500, "Call to service failed: " + answer.cause());
    }
  }
}
