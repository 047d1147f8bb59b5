package io.busmesh.impl.registry;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * Tells the balancer at once when a node leaves the cluster, and when this node rejoins it after a
 * split (a hung process resumed after the others declared it dead), through Hazelcast's own
 * listeners: Vert.x's {@code ClusterManager.nodeListener} has a single slot that HA mode uses.
 */
public final class NodeWatcher implements AutoCloseable {

  /** The Hazelcast member attribute in which vertx-hazelcast stores the Vert.x node id. */
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final HazelcastInstance hazelcast;
  private final UUID registration;
  private final UUID lifecycleRegistration;

  private NodeWatcher(HazelcastInstance hazelcast, Consumer<String> onNodeLeft, Runnable onRejoined) {
    this.hazelcast = hazelcast;
    this.lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        onRejoined.run();
      }
    });
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
   * Watches the cluster of {@code vertx}; the callbacks run on Hazelcast threads. {@code onRejoined}
   * runs once Hazelcast has merged this node back into the larger cluster. Returns a watcher that
   * does nothing when Vert.x is not clustered with Hazelcast (a single node loses no peer).
   */
  public static AutoCloseable watch(Vertx vertx, Consumer<String> onNodeLeft, Runnable onRejoined) {
    if (((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager hz && hz.getHazelcastInstance() != null) {
      return new NodeWatcher(hz.getHazelcastInstance(), onNodeLeft, onRejoined);
    }
    return () -> { };
  }

  @Override
  public void close() {
    try {
      hazelcast.getCluster().removeMembershipListener(registration);
      hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
    } catch (RuntimeException ignored) {
      // Hazelcast is already shut down: nothing left to unregister from.
    }
  }
}
