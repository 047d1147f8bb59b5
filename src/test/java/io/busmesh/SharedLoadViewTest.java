package io.busmesh;

import io.busmesh.examples.calculator.Calculator;
import io.busmesh.examples.calculator.CalculatorImpl;
import io.busmesh.test.Await;
import io.busmesh.test.MetricsProbe;
import io.busmesh.test.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Balancers on different nodes see each other's calls in flight and avoid the busy replica. */
class SharedLoadViewTest {

  private static final long SHARE_PERIOD_MS = 100;
  /** Long enough for every check of the test to run while node A's calls are held. */
  private static final long HOLD_MS = 8_000;

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void callsHeldByNodeAAreSeenByNodeBWithinThePublishPeriodAndBAvoidsThatReplica() throws Exception {
    MeshOptions options = new MeshOptions().setLoadSharePeriodMs(SHARE_PERIOD_MS)
        .setService("calculator", new ServiceOptions().setStrategy("p2c").setCallTimeoutMs(20_000));
    Vertx slowNode = cluster.addNode();
    String slow = Mesh.join(slowNode, options).compose(m -> m.publish("calculator", Calculator.class,
        new CalculatorImpl(slowNode, HOLD_MS, 0.0))).await(30, TimeUnit.SECONDS).replica().address();
    Vertx fastNode = cluster.addNode();
    String fast = Mesh.join(fastNode, options).compose(m -> m.publish("calculator", Calculator.class,
        new CalculatorImpl(fastNode, 0, 0.0))).await(30, TimeUnit.SECONDS).replica().address();
    Vertx nodeA = cluster.addNode();
    Mesh meshA = Mesh.join(nodeA, options).await(30, TimeUnit.SECONDS);
    Vertx nodeB = cluster.addNode();
    Mesh meshB = Mesh.join(nodeB, options).await(30, TimeUnit.SECONDS);
    meshA.awaitReplicas("calculator", 2, 15_000).await(20, TimeUnit.SECONDS);
    meshB.awaitReplicas("calculator", 2, 15_000).await(20, TimeUnit.SECONDS);

    // Node A, round robin, puts 20 of 40 calls on the slow replica, which holds each for HOLD_MS.
    Calculator viaA = new ServiceProxyBuilder(nodeA).setAddress("calculator")
        .setOptions(new DeliveryOptions().setSendTimeout(20_000)).build(Calculator.class);
    meshA.useStrategy("calculator", "round-robin", new JsonObject()).await(5, TimeUnit.SECONDS);
    List<Future<Integer>> held = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      held.add(viaA.add(i, 1));
    }
    Await.until("node A counts its calls on the slow replica, and none left on the fast one", Duration.ofSeconds(2),
        () -> meshA.stats("calculator").get(slow).inFlight() == 20 && meshA.stats("calculator").get(fast).inFlight() == 0);

    long countedAt = System.nanoTime();
    // Until B's view has caught up with both: A's 20 calls on the slow replica, and its fast calls ended.
    Await.until("node B sees node A's calls on the slow replica", Duration.ofSeconds(3),
        () -> MetricsProbe.inFlight(meshB, "calculator", slow) >= 20 && MetricsProbe.inFlight(meshB, "calculator", fast) == 0);
    long seenAfterMs = (System.nanoTime() - countedAt) / 1_000_000;
    System.out.println("Node B saw node A's calls " + seenAfterMs + " ms after A counted them (publish period "
        + SHARE_PERIOD_MS + " ms)");
    // A writes at its next tick, B reads at its next tick: two periods plus two map operations.
    assertTrue(seenAfterMs <= 5 * SHARE_PERIOD_MS, "seen only after " + seenAfterMs + " ms");

    Calculator viaB = new ServiceProxyBuilder(nodeB).setAddress("calculator").build(Calculator.class);
    for (int i = 0; i < 50; i++) {
      assertEquals(i + 1, viaB.add(i, 1).await(10, TimeUnit.SECONDS));
    }
    assertEquals(20, meshA.stats("calculator").get(slow).inFlight(), "node A's calls were still held during B's calls");
    Map<String, ReplicaStats> statsB = meshB.stats("calculator");
    assertEquals(50, statsB.get(fast).succeeded(), "node B's calls on the idle replica");
    assertEquals(0, statsB.get(slow).completed() + statsB.get(slow).inFlight(),
        "node B sent nothing to the replica busy with node A's calls");
    Future.all(held).await(30, TimeUnit.SECONDS);
  }

  @Test
  void replicaLoadHeadersNeverReachTheCaller() throws Exception {
    Vertx server = cluster.addNode();
    Mesh.join(server).compose(m -> m.publish("calculator", Calculator.class, new CalculatorImpl(server, 0, 0.0)))
        .await(30, TimeUnit.SECONDS);
    Vertx caller = cluster.addNode();
    Mesh.join(caller).compose(m -> m.awaitReplicas("calculator", 1, 15_000)).await(20, TimeUnit.SECONDS);

    Message<Object> reply = caller.eventBus().request("calculator", new JsonObject().put("a", 1).put("b", 2),
        new DeliveryOptions().addHeader("action", "add")).await(10, TimeUnit.SECONDS);

    assertEquals(3, reply.body());
    assertTrue(reply.headers().isEmpty(), "reply headers " + reply.headers());
  }

  @Test
  void aStrategyChangePublishedOnTheControlAddressAppliesOnEveryNode() throws Exception {
    Vertx server = cluster.addNode();
    Mesh.join(server).compose(m -> m.publish("calculator", Calculator.class, new CalculatorImpl(server, 0, 0.0)))
        .await(30, TimeUnit.SECONDS);
    Vertx caller = cluster.addNode();
    Mesh mesh = Mesh.join(caller).await(30, TimeUnit.SECONDS);
    mesh.awaitReplicas("calculator", 1, 15_000).await(20, TimeUnit.SECONDS);

    server.eventBus().publish(MeshProtocol.STRATEGY_CONTROL_ADDRESS,
        new JsonObject().put("service", "calculator").put("strategy", "random"));

    Await.until("the caller's balancer switched to random", Duration.ofSeconds(5),
        () -> "random".equals(MetricsProbe.metrics(mesh, "calculator").strategy()));
    Throwable refused = assertThrows(Throwable.class, () -> server.eventBus().request(
        MeshProtocol.STRATEGY_CONTROL_ADDRESS, new JsonObject().put("service", "calculator").put("strategy", "fastest"))
        .await(5, TimeUnit.SECONDS));
    assertTrue(refused.getMessage().contains("Unknown balancing strategy 'fastest'"), refused.getMessage());
    assertEquals("random", MetricsProbe.metrics(mesh, "calculator").strategy(), "a refused change leaves the strategy as it was");
  }

}
