package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.tracing.TracingPolicy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens the event-bus connection to a replica's node before calls need it, by pinging the replica
 * ({@link MeshProtocol#PING_HEADER}): Vert.x connects to a node on the first message sent there, and
 * a first call that waits for a TCP (or TLS) handshake looks slow to latency-aware strategies and to
 * the caller. The ping is sent from the loop of the service's first caller, because Vert.x writes
 * all of a connection's messages on the loop that opened it: from any other loop, every message of
 * every call pays a hop to that loop (at one call in flight, a third of a call's latency). Once per
 * node; from any thread.
 */
final class ConnectionWarmer {

  /** Never traced: it belongs to no call, though it may be sent while one is (and its headers are shared). */
  private static final DeliveryOptions PING = new DeliveryOptions().addHeader(MeshProtocol.PING_HEADER, "1")
      .setSendTimeout(10_000).setTracingPolicy(TracingPolicy.IGNORE);

  private final EventBus eventBus;
  private final String nodeId;
  private final Runnable connected;
  private final Set<String> warmed = ConcurrentHashMap.newKeySet();

  /** @param connected told once a ping is answered or failed, when its connection is up (or failed); on the pinging loop */
  ConnectionWarmer(EventBus eventBus, String nodeId, Runnable connected) {
    this.eventBus = eventBus;
    this.nodeId = nodeId;
    this.connected = connected;
  }

  /** Pings {@code replica} from the loop of {@code from}, at once if on it, if no replica of its node was pinged yet. */
  void warm(Replica replica, ContextInternal from) {
    if (!replica.nodeId().equals(nodeId) && warmed.add(replica.nodeId())) {
      if (from.inThread()) {
        ping(replica);
      } else {
        from.runOnContext(v -> ping(replica));
      }
    }
  }

  private void ping(Replica replica) {
    // The answer (or its absence) says nothing a call will not; it only tells that the connection is up.
    eventBus.request(replica.address(), null, PING).onComplete(answer -> connected.run());
  }

  /** A node that left: if it comes back, its connection is new. */
  void forget(String departedNode) {
    warmed.remove(departedNode);
  }
}
