package io.busmesh.balance;

import io.busmesh.load.LoadExchange;
import io.busmesh.load.RemoteLoad;
import io.vertx.core.Future;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One round of the cluster-wide in-flight view, run on the balancer's timer: publish this node's
 * counts (if changed), read the other nodes' counts, hand each replica its remote share. Rounds
 * never overlap, and a failed round keeps the last view: staleness shows in {@link #viewAgeNanos}.
 */
final class LoadSharing {

  private static final Logger log = LoggerFactory.getLogger(LoadSharing.class);

  private final LoadExchange exchange;
  private final Supplier<Collection<ReplicaClient>> clients;
  private final Supplier<Set<String>> liveNodes;
  private RemoteLoad lastRead = RemoteLoad.NONE;
  private boolean running;
  private boolean failing;

  LoadSharing(LoadExchange exchange, Supplier<Collection<ReplicaClient>> clients, Supplier<Set<String>> liveNodes) {
    this.exchange = exchange;
    this.clients = clients;
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
    return exchange.publish(own)
        .compose(v -> exchange.read(liveNodes.get()))
        .onSuccess(remote -> {
          lastRead = remote;
          for (ReplicaClient client : clients.get()) {
            client.load().setRemoteInFlight(remote.inFlight(client.replica().address()));
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
