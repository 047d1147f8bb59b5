package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

import java.util.HashSet;
import java.util.Set;

/**
 * Opens the event-bus connection to a replica's node as soon as this node starts calling the
 * replica's service, by pinging the replica ({@link MeshProtocol#PING_HEADER}): Vert.x connects to a
 * node on the first message sent there, and a first call that waits for a TCP (or TLS) handshake
 * looks slow to latency-aware strategies and to the caller. Once per node; on the balancer's loop.
 */
final class ConnectionWarmer {

  private static final DeliveryOptions PING = new DeliveryOptions().addHeader(MeshProtocol.PING_HEADER, "1")
      .setSendTimeout(10_000);

  private final EventBus eventBus;
  private final String nodeId;
  private final Set<String> warmed = new HashSet<>();

  ConnectionWarmer(EventBus eventBus, String nodeId) {
    this.eventBus = eventBus;
    this.nodeId = nodeId;
  }

  /** Pings {@code replica} if no replica of its node was pinged yet. */
  void warm(Replica replica) {
    if (!replica.nodeId().equals(nodeId) && warmed.add(replica.nodeId())) {
      eventBus.request(replica.address(), null, PING); // the answer (or its absence) says nothing a call will not
    }
  }

  /** A node that left: if it comes back, its connection is new. */
  void forget(String departedNode) {
    warmed.remove(departedNode);
  }
}
