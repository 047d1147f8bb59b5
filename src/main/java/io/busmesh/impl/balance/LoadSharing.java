package io.busmesh.impl.balance;

import io.busmesh.Replica;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.load.LoadExchange;
import io.busmesh.impl.load.RemoteLoad;
import io.busmesh.impl.replica.ServedReplicas;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One round of the cluster-wide load view, run on the balancer's timer: publish the load of the
 * replicas this node serves (if it changed), read that of the other nodes' replicas this node calls,
 * and hand each replica the calls that other callers have in flight to it and each service's retry
 * budget the other callers' calls and retries. A replica counts every caller's calls, this node's
 * included; this node's own share it knows live, so the others' is what the replica counted beyond
 * it. A node whose replicas all answered this one within the last period with their own count is read
 * less often (see {@link LoadExchange#read}): its replicas' figures are then those of the answers, which
 * include every caller's calls. Rounds never overlap, and a failed round keeps the last view: staleness
 * shows in {@link #viewAgeNanos}.
 */
final class LoadSharing {

  private static final Logger log = LoggerFactory.getLogger(LoadSharing.class);

  private final Context loop;
  private final String nodeId;
  private final LoadExchange exchange;
  private final ServedReplicas served;
  private final ReplicaClients clients;
  private final Supplier<Iterable<ServiceRoute>> routes;
  private final Supplier<Set<String>> liveNodes;
  private final Clock clock;
  private final long periodNanos;
  private RemoteLoad lastRead = RemoteLoad.NONE;
  private boolean running;
  private boolean failing;

  LoadSharing(Context loop, String nodeId, LoadExchange exchange, ServedReplicas served,
              ReplicaClients clients, Supplier<Iterable<ServiceRoute>> routes,
              Supplier<Set<String>> liveNodes, Clock clock, long periodNanos) {
    this.loop = loop;
    this.nodeId = nodeId;
    this.exchange = exchange;
    this.served = served;
    this.clients = clients;
    this.routes = routes;
    this.liveNodes = liveNodes;
    this.clock = clock;
    this.periodNanos = periodNanos;
  }

  Future<Void> round() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    List<ServedReplicas.Load> own = served.loads();
    Map<String, List<Replica>> called = calledReplicasByNode();
    Set<String> reported = reportedNodes(called);
    return OnLoop.of(loop, exchange.publish(own).compose(v -> exchange.read(called, reported)))
        .onSuccess(remote -> {
          lastRead = remote;
          apply(remote, own);
        })
        .<Void>mapEmpty()
        .onComplete(ar -> {
          running = false;
          // Logged on change only: a failing map would otherwise log ten times a second.
          if (ar.failed() && !failing) {
            log.warn("Sharing load figures failed; balancing on the last shared view until it works again: " + ar.cause());
          } else if (ar.succeeded() && failing) {
            log.info("Sharing load figures works again");
          }
          failing = ar.failed();
        });
  }

  /** The replicas of the services this node calls, by the live node that serves them (this one left out). */
  private Map<String, List<Replica>> calledReplicasByNode() {
    Set<String> live = liveNodes.get();
    Map<String, List<Replica>> byNode = new HashMap<>();
    for (ServiceRoute route : routes.get()) {
      if (route.isActive()) {
        for (AttemptTarget target : route.snapshot().registered()) {
          Replica replica = target.replica();
          if (!replica.nodeId().equals(nodeId) && live.contains(replica.nodeId())) {
            byNode.computeIfAbsent(replica.nodeId(), n -> new ArrayList<>()).add(replica);
          }
        }
      }
    }
    return byNode;
  }

  /**
   * The nodes of {@code called} whose replicas all answered this node within the last period with their
   * own in-flight count: as fresh as their node's entry, which need not be read every round then.
   */
  private Set<String> reportedNodes(Map<String, List<Replica>> called) {
    long since = clock.nanoTime() - periodNanos;
    Set<String> reported = new HashSet<>();
    called.forEach((node, replicas) -> {
      if (replicas.stream().allMatch(replica -> reportedSince(replica, since))) {
        reported.add(node);
      }
    });
    return reported;
  }

  private boolean reportedSince(Replica replica, long sinceNanos) {
    ReplicaClient client = clients.get(replica.address());
    return client != null && client.load().reportedSince(sinceNanos);
  }

  private void apply(RemoteLoad remote, List<ServedReplicas.Load> own) {
    Map<String, Long> ownInFlight = new HashMap<>();
    Map<String, long[]> ownBudgets = new HashMap<>();
    for (ServedReplicas.Load load : own) {
      ownInFlight.put(load.replica().address(), (long) load.inFlight());
      long[] budget = ownBudgets.computeIfAbsent(load.replica().service(), s -> new long[2]);
      budget[0] += load.calls();
      budget[1] += load.retries();
    }
    long now = clock.nanoTime();
    for (ReplicaClient client : clients.all()) {
      String address = client.replica().address();
      long counted = client.replica().nodeId().equals(nodeId) ? ownInFlight.getOrDefault(address, 0L) : remote.inFlight(address);
      client.load().setRemoteInFlight(Math.max(0, counted - client.load().localInFlight()));
      client.load().expireReport(now);
    }
    for (ServiceRoute route : routes.get()) {
      long[] counted = remote.budget(route.service()).clone();
      long[] served = ownBudgets.get(route.service());
      if (served != null) {
        counted[0] += served[0];
        counted[1] += served[1];
      }
      route.budget().setOthers(Math.max(0, counted[0] - route.budget().windowCalls()),
          Math.max(0, counted[1] - route.budget().windowRetries()));
    }
  }

  /** How long ago the other nodes' figures in use were read; Long.MAX_VALUE before the first read. */
  long viewAgeNanos(long nowNanos) {
    return lastRead == RemoteLoad.NONE ? Long.MAX_VALUE : nowNanos - lastRead.readAtNanos();
  }

  Future<Void> forget(String nodeId) {
    return exchange.forget(nodeId);
  }
}
