package io.busmesh.test;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import com.hazelcast.multimap.LocalMultiMapStats;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Counts operations on every Hazelcast map and multimap (busmesh's registry, Vert.x's subscription
 * map, shared data) as recorded by each member's local statistics, summed over the given nodes.
 */
public final class ClusterMapOperations {

  private ClusterMapOperations() {
  }

  public static long count(Vertx... nodes) {
    long total = 0;
    for (Vertx node : nodes) {
      HazelcastInstance hz = ((HazelcastClusterManager) ((VertxInternal) node).clusterManager()).getHazelcastInstance();
      for (DistributedObject object : hz.getDistributedObjects()) {
        if (object instanceof IMap<?, ?> map) {
          LocalMapStats s = map.getLocalMapStats();
          total += s.getGetOperationCount() + s.getPutOperationCount() + s.getSetOperationCount()
              + s.getRemoveOperationCount() + s.getOtherOperationCount();
        } else if (object instanceof MultiMap<?, ?> multiMap) {
          LocalMultiMapStats s = multiMap.getLocalMultiMapStats();
          total += s.getGetOperationCount() + s.getPutOperationCount() + s.getRemoveOperationCount()
              + s.getOtherOperationCount();
        }
      }
    }
    return total;
  }
}
