package io.busmesh;

import io.busmesh.examples.calculator.Calculator;
import io.busmesh.test.Await;
import io.busmesh.test.LoopbackHttp;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The liveness and readiness probes of {@code mesh.health}, asked over HTTP on a real cluster, through a drain. */
class MeshHealthTest {

  private final TestCluster cluster = new TestCluster();
  private final LoopbackHttp http = new LoopbackHttp();

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void readinessGoesDownWhileTheReplicasDrainAndLivenessStaysUpUntilTheMeshIsClosed() throws Exception {
    int port = LoopbackHttp.freePort();
    Vertx server = cluster.addNode();
    Mesh serverMesh = Mesh.join(server, new MeshOptions().setHealth(new HealthOptions().setPort(port)))
        .await(30, TimeUnit.SECONDS);
    TunableCalculator slow = new TunableCalculator(server, 1_500);
    serverMesh.publish("calculator", Calculator.class, slow).await(20, TimeUnit.SECONDS);
    Vertx callerNode = cluster.addNode();
    Mesh.join(callerNode, new MeshOptions()).compose(m -> m.awaitReplicas("calculator", 1, 15_000))
        .await(20, TimeUnit.SECONDS);

    HttpResponse<String> ready = http.get(port, HealthOptions.READY_PATH);
    assertEquals(200, ready.statusCode(), ready.body());
    JsonObject checks = checksById(new JsonObject(ready.body()));
    assertEquals("UP", checks.getJsonObject("cluster").getString("status"), ready.body());
    assertEquals("UP", checks.getJsonObject("view").getString("status"), ready.body());
    assertEquals(1, checks.getJsonObject("replicas").getJsonObject("data").getInteger("published"), ready.body());

    Calculator calculator = new ServiceProxyBuilder(callerNode).setAddress("calculator")
        .setOptions(new DeliveryOptions().setSendTimeout(10_000)).build(Calculator.class);
    Future<Integer> inFlight = calculator.add(2, 3); // takes 1.5 s: the drain waits for it
    Await.until("the call reaches the replica", Duration.ofSeconds(5), () -> slow.addsStarted() == 1);
    Future<Void> closing = serverMesh.close();

    HttpResponse<String> duringDrain = http.get(port, HealthOptions.READY_PATH);
    HttpResponse<String> liveDuringDrain = http.get(port, HealthOptions.LIVE_PATH);
    System.out.println("health during a drain: ready " + duringDrain.statusCode() + " " + duringDrain.body()
        + "; live " + liveDuringDrain.statusCode() + " " + liveDuringDrain.body());
    assertFalse(closing.isComplete(), "the drain was over before the probes were asked; the test proved nothing");
    assertEquals(503, duringDrain.statusCode(), duringDrain.body());
    assertEquals("DOWN", checksById(new JsonObject(duringDrain.body())).getJsonObject("draining").getString("status"));
    assertEquals(200, liveDuringDrain.statusCode(), liveDuringDrain.body());

    assertEquals(5, inFlight.await(10, TimeUnit.SECONDS), "the call in flight was answered during the drain");
    closing.await(20, TimeUnit.SECONDS);
    // A client of its own, as a kubelet's next probe: the test's client may reuse a pooled connection, which the
    // closed server ends with a plain IOException rather than a refused connect.
    assertThrows(ConnectException.class, () -> new LoopbackHttp().get(port, HealthOptions.LIVE_PATH),
        "the probes close with the mesh");
  }

  @Test
  void aNodeWithoutHealthOptionsServesNoProbesAndBadOptionsAreRefused() throws Exception {
    IllegalArgumentException samePort = assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject()
        .put("health", new JsonObject().put("port", 9500))
        .put("metrics", new JsonObject().put("prometheus", new JsonObject().put("port", 9500)))));
    assertTrue(samePort.getMessage().contains("give them different ports"), samePort.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject()
        .put("health", new JsonObject().put("port", "9500"))));
    assertFalse(new MeshOptions().getHealth().isEnabled());
  }

  private static JsonObject checksById(JsonObject result) {
    JsonObject byId = new JsonObject();
    result.getJsonArray("checks").forEach(check -> byId.put(((JsonObject) check).getString("id"), check));
    return byId;
  }


}
