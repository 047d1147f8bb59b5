package io.busmesh.hostile;

import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member that knows only the cluster name floods a node with control messages naming services
 * nobody publishes: strategy changes, pushed view changes and registry entries. The node keeps
 * serving, routes its calls as before, and its heap stays flat: nothing from the network creates
 * state without a bound.
 */
class ControlFloodTest {

  private static final int STRATEGY_CHANGES = 60_000;
  private static final int VIEW_CHANGES = 20_000;
  private static final int REGISTRY_ENTRIES = 5_000;

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aFloodOfControlMessagesLeavesTheHeapFlat() throws Exception {
    Vertx server = cluster.addNode();
    Mesh.join(server).compose(m -> m.publish("calculator", Calculator.class, new TunableCalculator(server, 0)))
        .await(30, TimeUnit.SECONDS);
    Vertx victim = cluster.addNode();
    Mesh mesh = Mesh.join(victim, new MeshOptions().setResyncIntervalMs(200)).await(30, TimeUnit.SECONDS);
    mesh.awaitReplicas("calculator", 1, 15_000).await(20, TimeUnit.SECONDS);
    Calculator calculator = new ServiceProxyBuilder(victim).setAddress("calculator").build(Calculator.class);
    assertEquals(3, calculator.add(1, 2).await(10, TimeUnit.SECONDS));
    Vertx rogue = cluster.addNode(); // knows the cluster name, runs no mesh
    long heapBefore = MalformedCallTest.usedHeapAfterGc();

    for (int i = 0; i < STRATEGY_CHANGES; i++) {
      rogue.eventBus().publish(MeshProtocol.STRATEGY_CONTROL_ADDRESS,
          new JsonObject().put("service", "made-up-" + i).put("strategy", "round-robin"));
    }
    String victimView = MeshProtocol.VIEW_ADDRESS_PREFIX + mesh.nodeId();
    List<Future<Object>> acks = new ArrayList<>();
    for (int i = 0; i < VIEW_CHANGES; i++) {
      Replica fake = fake("pushed-" + i, mesh.nodeId());
      acks.add(rogue.eventBus().request(victimView, new JsonObject().put("added", fake.toJson())).map(m -> m.body()));
      if (acks.size() == 500) { // a bounded window of outstanding requests
        Future.join(acks).otherwiseEmpty().await(30, TimeUnit.SECONDS);
        acks.clear();
      }
    }
    Future.join(acks).otherwiseEmpty().await(30, TimeUnit.SECONDS);
    AsyncMap<String, JsonObject> registry = rogue.sharedData().<String, JsonObject>getAsyncMap(MeshProtocol.REGISTRY_MAP)
        .await(10, TimeUnit.SECONDS);
    List<Future<Void>> puts = new ArrayList<>();
    for (int i = 0; i < REGISTRY_ENTRIES; i++) {
      Replica fake = fake("mapped-" + i, mesh.nodeId());
      puts.add(registry.put(fake.address(), fake.toJson()));
    }
    Future.all(puts).await(60, TimeUnit.SECONDS);
    Thread.sleep(1_000); // a few resyncs read the flooded registry (its cost is what is measured)

    assertEquals(3, calculator.add(1, 2).await(10, TimeUnit.SECONDS), "the victim still calls its services");
    long grown = MalformedCallTest.usedHeapAfterGc() - heapBefore;
    System.out.println("flood: " + STRATEGY_CHANGES + " strategy changes, " + VIEW_CHANGES + " view changes, "
        + REGISTRY_ENTRIES + " registry entries; heap after GC grew by " + grown / 1024 + " KB");
    assertTrue(grown < 48L * 1024 * 1024, "heap grew by " + grown / 1024 / 1024 + " MB");
  }

  /** A well-formed entry of a service nobody publishes, claiming to live on {@code nodeId}. */
  private static Replica fake(String service, String nodeId) {
    return new Replica(service, MeshProtocol.REPLICA_ADDRESS_PREFIX + service + "." + nodeId + ".1", nodeId, 1, "", 0, null);
  }
}
