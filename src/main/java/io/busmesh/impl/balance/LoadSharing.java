package io.busmesh.impl.balance;

import io.busmesh.impl.load.LoadExchange;
import io.busmesh.impl.load.RemoteLoad;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One round of the cluster-wide view, run on the balancer's timer: publish this node's in-flight
 * and retry-budget counts (if changed), read the other nodes', hand each replica its remote
 * in-flight share and each service's retry budget the other callers' calls and retries. Rounds
 * never overlap, and a failed round keeps the last view: staleness shows in {@link #viewAgeNanos}.
 */
final class LoadSharing {

  private static final Logger log = LoggerFactory.getLogger(LoadSharing.class);

  private final Context loop;
  private final LoadExchange exchange;
  private final Supplier<Collection<ReplicaClient>> clients;
  private final Supplier<Iterable<ServiceRoute>> routes;
  private final Supplier<Set<String>> liveNodes;
  private RemoteLoad lastRead = RemoteLoad.NONE;
  private boolean running;
  private boolean failing;

  LoadSharing(Context loop, LoadExchange exchange, Supplier<Collection<ReplicaClient>> clients,
              Supplier<Iterable<ServiceRoute>> routes, Supplier<Set<String>> liveNodes) {
    this.loop = loop;
    this.exchange = exchange;
    this.clients = clients;
    this.routes = routes;
    this.liveNodes = liveNodes;
  }

  Future<Void> round() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    Map<String, Long> own = new HashMap<>();
    for (ReplicaClient client : clients.get()) {
      long local = client.load().localInFlight();
      if (local > 0) {
        own.put(client.replica().address(), local);
      }
    }
    Map<String, List<Long>> budgets = new HashMap<>();
    for (ServiceRoute route : routes.get()) {
      long calls = route.budget().windowCalls();
      if (calls > 0) {
        budgets.put(route.service(), List.of(calls, route.budget().windowRetries()));
      }
    }
    return OnLoop.of(loop, exchange.publish(own, budgets).compose(v -> exchange.read(liveNodes.get())))
        .onSuccess(remote -> {
          lastRead = remote;
          for (ReplicaClient client : clients.get()) {
            client.load().setRemoteInFlight(remote.inFlight(client.replica().address()));
          }
          for (ServiceRoute route : routes.get()) {
            long[] others = remote.budget(route.service());
            route.budget().setOthers(others[0], others[1]);
          }
        })
        .<Void>mapEmpty()
        .onComplete(ar -> {
          running = false;
          // Logged on change only: a failing map would otherwise log ten times a second.
          if (ar.failed() && !failing) {
            log.warn("Sharing in-flight counts failed; balancing on the last shared view until it works again: "
                + ar.cause());
          } else if (ar.succeeded() && failing) {
            log.info("Sharing in-flight counts works again");
          }
          failing = ar.failed();
        });
  }

  /** How long ago the other nodes' counts in use were read; Long.MAX_VALUE before the first read. */
  long viewAgeNanos(long nowNanos) {
    return lastRead == RemoteLoad.NONE ? Long.MAX_VALUE : nowNanos - lastRead.readAtNanos();
  }

  Future<Void> forget(String nodeId) {
    return exchange.forget(nodeId);
  }
}
