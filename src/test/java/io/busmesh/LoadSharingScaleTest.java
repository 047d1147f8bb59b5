package io.busmesh;

import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.examples.calculator.CalculatorImpl;
import io.busmesh.test.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What sharing load costs the cluster map as the cluster grows: three nodes serve a replica each of a
 * service that every node calls, under steady load, at 3, 6 and 12 nodes. Operations on the load map
 * are counted from every member's Hazelcast local statistics over a measured stretch. Each node writes
 * its own entry at most once a period and reads only those of the nodes serving what it calls, so
 * the operations per node and period stay flat as nodes are added (they grew with the node count when
 * every node read every other node's entry).
 */
class LoadSharingScaleTest {

  private static final long PERIOD_MS = 100;
  private static final long MEASURED_MS = 3_000;
  private static final int SERVING_NODES = 3;

  @Test
  void loadMapOperationsPerNodeAndPeriodDoNotGrowWithTheCluster() throws Exception {
    Map<Integer, Double> perNodeAndPeriod = new LinkedHashMap<>();
    for (int nodes : new int[] {3, 6, 12}) {
      perNodeAndPeriod.put(nodes, measure(nodes));
    }
    perNodeAndPeriod.forEach((nodes, ops) -> System.out.printf("load-sharing scale: %2d nodes (%d serving one replica"
        + " each, all calling): %.2f load-map operations per node per %d ms period%n", nodes, SERVING_NODES, ops, PERIOD_MS));

    double atThree = perNodeAndPeriod.get(3);
    double atTwelve = perNodeAndPeriod.get(12);
    // Each caller reads at most the 3 serving nodes' entries (2 for a serving node) and a serving node
    // writes its own: about 3 to 4 per node and period, whatever the cluster's size. Under steady load
    // the replicas' answers report their own load, so a caller reads their nodes' entries about once a
    // second rather than every period: well under one read per serving node and period.
    assertTrue(atTwelve <= SERVING_NODES - 1, "at 12 nodes: " + atTwelve + " operations per node and period");
    assertTrue(atTwelve <= atThree * 1.5, "per node and period: " + atThree + " at 3 nodes, " + atTwelve + " at 12");
  }

  /** Load-map operations per node and period in a fresh cluster of {@code count} nodes under load. */
  private static double measure(int count) throws Exception {
    MeshOptions options = new MeshOptions().setLoadSharePeriodMs(PERIOD_MS).setMetricsPeriodMs(0)
        .setService("calculator", new ServiceOptions().setCallTimeoutMs(10_000));
    try (TestCluster cluster = new TestCluster()) {
      List<Vertx> nodes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Vertx node = cluster.addNode();
        Mesh mesh = Mesh.join(node, options).await(30, TimeUnit.SECONDS);
        if (i < SERVING_NODES) {
          mesh.publish("calculator", Calculator.class, new CalculatorImpl(node, 2, 0.0)).await(30, TimeUnit.SECONDS);
        }
        nodes.add(node);
      }
      for (Vertx node : nodes) {
        Mesh.join(node).compose(m -> m.awaitReplicas("calculator", SERVING_NODES, 30_000)).await(40, TimeUnit.SECONDS);
      }
      List<Future<Void>> load = new ArrayList<>();
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MEASURED_MS + 2_000);
      nodes.forEach(node -> load.add(callUntil(node, until)));
      Thread.sleep(1_000); // load runs, and every node's view of it settles, before the count starts
      long before = loadMapOperations(nodes);
      long started = System.nanoTime();
      Thread.sleep(MEASURED_MS); // a stretch of steady load over which operations are counted, not a wait for an outcome
      long operations = loadMapOperations(nodes) - before;
      double periods = (System.nanoTime() - started) / 1e6 / PERIOD_MS;
      Future.all(load).await(30, TimeUnit.SECONDS);
      return operations / periods / count;
    }
  }

  /** Keeps 4 calls in flight from {@code node} until {@code untilNanos}. */
  private static Future<Void> callUntil(Vertx node, long untilNanos) {
    Calculator calculator = new ServiceProxyBuilder(node).setAddress("calculator")
        .setOptions(new DeliveryOptions().setSendTimeout(10_000).setLocalOnly(true)).build(Calculator.class);
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Promise<Void> done = Promise.promise();
      node.runOnContext(v -> next(calculator, untilNanos, done));
      loops.add(done.future());
    }
    return Future.all(loops).mapEmpty();
  }

  private static void next(Calculator calculator, long untilNanos, Promise<Void> done) {
    if (System.nanoTime() > untilNanos) {
      done.complete();
      return;
    }
    calculator.add(1, 2).onSuccess(v -> next(calculator, untilNanos, done)).onFailure(done::fail);
  }

  /** Operations on the load map so far, summed over every member's local statistics. */
  private static long loadMapOperations(List<Vertx> nodes) {
    long total = 0;
    for (Vertx node : nodes) {
      IMap<Object, Object> map = ((HazelcastClusterManager) ((VertxInternal) node).clusterManager())
          .getHazelcastInstance().getMap(MeshProtocol.LOAD_MAP);
      LocalMapStats stats = map.getLocalMapStats();
      total += stats.getGetOperationCount() + stats.getPutOperationCount() + stats.getSetOperationCount()
          + stats.getRemoveOperationCount() + stats.getOtherOperationCount();
    }
    return total;
  }
}
