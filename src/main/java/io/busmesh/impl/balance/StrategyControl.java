package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.impl.log.LogText;
import io.busmesh.impl.log.RateLimitedLog;
import io.busmesh.impl.trust.ControlPlane;
import io.busmesh.impl.trust.SignedRecord;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.function.Predicate;

/**
 * Strategy changes published to every node on {@link MeshProtocol#STRATEGY_CONTROL_ADDRESS}
 * ({@code Mesh.useStrategyEverywhere}): obeyed only when signed by a node of the cluster, recent,
 * well formed and about a service this node knows; anything else is refused, counted and logged at
 * most once a period. Runs on the balancer's loop.
 */
final class StrategyControl implements Handler<Message<Object>> {

  /** Applies a change on this node: service, strategy name, its settings. */
  interface Switch {
    Future<Void> use(String service, String strategy, JsonObject settings);
  }

  private final ControlPlane controlPlane;
  private final RateLimitedLog rejected;
  private final Predicate<String> knows;
  private final Switch strategies;

  /** @param knows whether this node calls or sees a service: no state is made for made-up names */
  StrategyControl(ControlPlane controlPlane, RateLimitedLog rejected, Predicate<String> knows, Switch strategies) {
    this.controlPlane = controlPlane;
    this.rejected = rejected;
    this.knows = knows;
    this.strategies = strategies;
  }

  @Override
  public void handle(Message<Object> message) {
    SignedRecord record = controlPlane.open(ControlPlane.STRATEGY, message.body(), "the strategy control address");
    if (record == null) {
      message.fail(MeshProtocol.MALFORMED_CALL, "A strategy change must be signed by a node of this cluster");
      return;
    }
    if (!controlPlane.isRecent(record.payload().getValue("at"))) {
      refuse(message, "Ignored a strategy change stamped more than " + ControlPlane.MAX_SKEW_MS / 1000
          + " s from this node's clock (a replay?)");
      return;
    }
    JsonObject json = record.payload();
    if (!(json.getValue("service") instanceof String service) || !(json.getValue("strategy") instanceof String name)) {
      refuse(message, "A strategy change must be a JSON object with 'service' and 'strategy' strings"
          + " (and optional 'strategyOptions')");
      return;
    }
    if (!knows.test(service)) {
      // No state for services this node knows nothing of: a flood of made-up names must not grow the heap.
      refuse(message, "Ignored a strategy change for service " + LogText.quote(service)
          + ", which this node neither calls nor has in its view");
      return;
    }
    JsonObject settings = json.getValue("strategyOptions") instanceof JsonObject o ? o : new JsonObject();
    strategies.use(service, name, settings).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(null);
      } else {
        refuse(message, "Ignored a strategy change for service " + LogText.quote(service) + ": "
            + LogText.quote(ar.cause().getMessage()));
      }
    });
  }

  private void refuse(Message<Object> message, String why) {
    rejected.warn(why);
    message.fail(MeshProtocol.MALFORMED_CALL, why);
  }
}
