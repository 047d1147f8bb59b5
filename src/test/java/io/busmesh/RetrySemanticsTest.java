package io.busmesh;

import io.busmesh.test.TestCluster;
import io.busmesh.test.ledger.Ledger;
import io.busmesh.test.ledger.TunableLedger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which failed calls the mesh runs again on another replica: those that provably never ran, for
 * every method; those whose answer was lost, only for idempotent methods. The replicas of a test
 * share one record of executions, so the tests see how often each call really ran.
 */
class RetrySemanticsTest {

  /** An attempt on the slow replica gives up after this; its append has run by then. */
  private static final long ATTEMPT_TIMEOUT_MS = 100;

  private final TestCluster cluster = new TestCluster();
  private final TunableLedger.Executions executions = new TunableLedger.Executions();
  private int published;

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aReplicaAnnouncesTheMethodsItsInterfaceDeclaresIdempotent() throws Exception {
    Vertx server = cluster.addNode();
    publish(server, 0);

    Mesh mesh = join(cluster.addNode(), new ServiceOptions());

    assertEquals(Set.of("count"), mesh.replicas("ledger").get(0).idempotentMethods());
  }

  @Test
  void aNonIdempotentCallWhoseAnswerIsLostRunsOnceAndFailsSayingItMayHaveRun() throws Exception {
    String slow = publish(cluster.addNode(), 500);
    publish(cluster.addNode(), 0);
    Vertx caller = cluster.addNode();
    join(caller, new ServiceOptions().setStrategy("round-robin").setAttemptTimeoutMs(ATTEMPT_TIMEOUT_MS));
    Ledger ledger = proxy(caller);

    // Round robin starts one of two calls on the slow replica.
    List<Future<Integer>> appends = List.of(ledger.append("a-0"), ledger.append("a-1"));
    Future.join(appends).otherwiseEmpty().await(10, TimeUnit.SECONDS);

    List<Future<Integer>> failed = appends.stream().filter(Future::failed).toList();
    assertEquals(1, failed.size(), "the append that reached the slow replica fails, the other succeeds");
    ReplyException e = assertInstanceOf(ReplyException.class, failed.get(0).cause());
    assertEquals(ReplyFailure.TIMEOUT, e.failureType());
    assertEquals(MeshProtocol.OUTCOME_UNKNOWN, e.failureCode());
    assertTrue(e.getMessage().startsWith("Call to service 'ledger' (method 'append') may or may not have run on replica "
        + slow + ": no answer came (TIMEOUT"), e.getMessage());
    assertTrue(e.getMessage().contains("'append' is not declared idempotent"), e.getMessage());
    // The failure reached the caller, so the call is over: no other attempt can follow.
    assertEquals(1, executions.of("a-0"), "a-0 ran exactly once");
    assertEquals(1, executions.of("a-1"), "a-1 ran exactly once");
  }

  @Test
  void anIdempotentCallWhoseAnswerIsLostRunsAgainOnAnotherReplica() throws Exception {
    publish(cluster.addNode(), 500);
    publish(cluster.addNode(), 0);
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller, new ServiceOptions().setStrategy("round-robin").setAttemptTimeoutMs(ATTEMPT_TIMEOUT_MS));
    Ledger ledger = proxy(caller);

    for (int i = 0; i < 4; i++) {
      assertEquals(0, ledger.count("nothing").await(10, TimeUnit.SECONDS), "count is @Idempotent: call " + i);
    }
    assertTrue(mesh.stats("ledger").values().stream().anyMatch(s -> s.failed() > 0), "some attempts timed out");
  }

  @Test
  void aMethodListedIdempotentInConfIsRunAgainAfterALostAnswer() throws Exception {
    publish(cluster.addNode(), 500);
    publish(cluster.addNode(), 0);
    Vertx caller = cluster.addNode();
    join(caller, new ServiceOptions().setStrategy("round-robin").setAttemptTimeoutMs(ATTEMPT_TIMEOUT_MS)
        .setIdempotentMethods(Set.of("append")));
    Ledger ledger = proxy(caller);

    List<Future<Integer>> appends = List.of(ledger.append("b-0"), ledger.append("b-1"));
    Future.all(appends).await(10, TimeUnit.SECONDS);

    // Declared idempotent, the call that lost its answer ran again: at least once, here twice.
    assertEquals(3, executions.of("b-0") + executions.of("b-1"));
  }

  @Test
  void aCallThatNeverReachedAReplicaRunsOnAnotherWhateverItsMethod() throws Exception {
    Vertx server = cluster.addNode();
    publish(server, 0);
    Mesh serverMesh = Mesh.join(server).await(30, TimeUnit.SECONDS);
    // A registry entry of a live node with no handler behind it: every attempt on it gets NO_HANDLERS.
    Replica phantom = new Replica("ledger", MeshProtocol.REPLICA_ADDRESS_PREFIX + "ledger." + serverMesh.nodeId() + ".999",
        serverMesh.nodeId(), 1, "", 0, null);
    server.sharedData().<String, JsonObject>getAsyncMap(MeshProtocol.REGISTRY_MAP)
        .compose(m -> m.put(phantom.address(), phantom.toJson())).await(10, TimeUnit.SECONDS);
    published++;
    Vertx caller = cluster.addNode();
    Mesh mesh = Mesh.join(caller, new MeshOptions().setResyncIntervalMs(100)
        .setService("ledger", new ServiceOptions().setStrategy("round-robin"))).await(30, TimeUnit.SECONDS);
    mesh.awaitReplicas("ledger", published, 15_000).await(20, TimeUnit.SECONDS);
    Ledger ledger = proxy(caller);

    List<Future<Integer>> appends = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      appends.add(ledger.append("c-" + i));
    }
    Future.all(appends).await(10, TimeUnit.SECONDS);

    for (int i = 0; i < 20; i++) {
      assertEquals(1, executions.of("c-" + i), "c-" + i + " ran exactly once");
    }
    assertTrue(mesh.stats("ledger").get(phantom.address()).failed() > 0, "attempts on the phantom failed over");
  }

  private String publish(Vertx node, long delayMs) throws Exception {
    published++;
    return Mesh.join(node).compose(m -> m.publish("ledger", Ledger.class, new TunableLedger(node, executions, delayMs)))
        .await(30, TimeUnit.SECONDS).replica().address();
  }

  private Mesh join(Vertx caller, ServiceOptions service) throws Exception {
    Mesh mesh = Mesh.join(caller, new MeshOptions().setService("ledger", service)).await(30, TimeUnit.SECONDS);
    mesh.awaitReplicas("ledger", published, 15_000).await(20, TimeUnit.SECONDS);
    return mesh;
  }

  private static Ledger proxy(Vertx caller) {
    return new ServiceProxyBuilder(caller).setAddress("ledger")
        .setOptions(new DeliveryOptions().setSendTimeout(30_000)).build(Ledger.class);
  }
}
