package io.busmesh.registry;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * Tells the balancer at once when a node leaves the cluster, through Hazelcast's own membership
 * listeners: Vert.x's {@code ClusterManager.nodeListener} has a single slot that HA mode uses.
 */
public final class NodeWatcher implements AutoCloseable {

  /** The Hazelcast member attribute in which vertx-hazelcast stores the Vert.x node id. */
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final HazelcastInstance hazelcast;
  private final UUID registration;

  private NodeWatcher(HazelcastInstance hazelcast, Consumer<String> onNodeLeft) {
    this.hazelcast = hazelcast;
    this.registration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
        if (nodeId != null) {
          onNodeLeft.accept(nodeId);
        }
      }
    });
  }

  /**
   * Watches the cluster of {@code vertx}; {@code onNodeLeft} runs on a Hazelcast thread. Returns a
   * watcher that does nothing when Vert.x is not clustered with Hazelcast (a single node loses no peer).
   */
  public static AutoCloseable watch(Vertx vertx, Consumer<String> onNodeLeft) {
    if (((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager hz && hz.getHazelcastInstance() != null) {
      return new NodeWatcher(hz.getHazelcastInstance(), onNodeLeft);
    }
    return () -> { };
  }

  @Override
  public void close() {
    try {
      hazelcast.getCluster().removeMembershipListener(registration);
    } catch (RuntimeException ignored) {
      // Hazelcast is already shut down: nothing left to unregister from.
    }
  }
}
