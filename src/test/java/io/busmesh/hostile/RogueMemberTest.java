package io.busmesh.hostile;

import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.SecurityOptions;
import io.busmesh.ServiceOptions;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.test.Await;
import io.busmesh.test.LogCapture;
import io.busmesh.test.MetricsProbe;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rogue member that knows only the cluster name (open-source Hazelcast lets it read and write
 * every map, and it may send to any address) attacks a cluster whose control plane is signed (HMAC,
 * no event-bus TLS): three calculator replicas and a caller. None of its attacks on busmesh's own
 * maps and addresses changes where calls go or fails a call, and removed entries come back. A bare
 * consumer on the service name, which lives in Vert.x's own subscription map, is detected; proxies
 * made local-only never reach it.
 */
class RogueMemberTest {

  private static final long RESYNC_MS = 500;
  private static final int ROGUE_ANSWER = -42;

  private final TestCluster cluster = new TestCluster();
  private final List<String> replicas = new ArrayList<>();
  private final AtomicInteger rogueCalls = new AtomicInteger();
  private SecurityOptions security;
  private Mesh caller;
  private Vertx callerNode;
  private Vertx rogue;
  private AsyncMap<String, Object> registry;

  @BeforeEach
  void start() throws Exception {
    Path secret = Files.createDirectories(Path.of("target", "rogue-test")).resolve("secret-" + cluster.name());
    byte[] bytes = new byte[48];
    new SecureRandom().nextBytes(bytes);
    Files.writeString(secret, Base64.getEncoder().encodeToString(bytes));
    security = new SecurityOptions().setSigning(SecurityOptions.Signing.HMAC).setHmacSecretPath(secret.toString());
    for (int i = 0; i < 3; i++) {
      Vertx node = cluster.addNode();
      replicas.add(Mesh.join(node, options()).compose(m -> m.publish("calculator", Calculator.class, new TunableCalculator(node, 0)))
          .await(30, TimeUnit.SECONDS).replica().address());
    }
    callerNode = cluster.addNode();
    caller = Mesh.join(callerNode, options().setService("calculator", new ServiceOptions()
        .setRetryableMethods(Set.of("divide")))).await(30, TimeUnit.SECONDS);
    caller.awaitReplicas("calculator", 3, 15_000).await(20, TimeUnit.SECONDS);
    rogue = cluster.addNode(); // no mesh, no secret: only the cluster name
    registry = rogue.sharedData().<String, Object>getAsyncMap(MeshProtocol.REGISTRY_MAP).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  private MeshOptions options() {
    return new MeshOptions().setSecurity(security).setResyncIntervalMs(RESYNC_MS);
  }

  @Test
  void aFakeReplicaWithForgedLoadFiguresGetsNoCallWhateverTheStrategy() throws Exception {
    String rogueId = nodeId(rogue);
    Replica fake = new Replica("calculator", MeshProtocol.REPLICA_ADDRESS_PREFIX + "calculator." + rogueId + ".1", rogueId,
        1_000, "", 0, null);
    rogue.eventBus().<JsonObject>consumer(fake.address(), m -> {
      rogueCalls.incrementAndGet();
      m.reply(ROGUE_ANSWER);
    }).completion().await(10, TimeUnit.SECONDS);
    registry.put(fake.address(), fake.toJson()).await(10, TimeUnit.SECONDS);
    registry.put(fake.address() + "x", new JsonObject().put("v", 1).put("k", "replica").put("p", fake.toJson().encode())
        .put("s", "AAAA")).await(10, TimeUnit.SECONDS);
    rogue.eventBus().request(MeshProtocol.VIEW_ADDRESS_PREFIX + caller.nodeId(), new JsonObject().put("added", fake.toJson()))
        .otherwiseEmpty().await(10, TimeUnit.SECONDS);
    JsonObject inFlight = new JsonObject().put(fake.address(), -1_000_000);
    replicas.forEach(r -> inFlight.put(r, 1_000_000));
    AsyncMap<String, Object> load = rogue.sharedData().<String, Object>getAsyncMap(MeshProtocol.LOAD_MAP).await(10, TimeUnit.SECONDS);
    load.put(rogueId, new JsonObject().put("at", System.currentTimeMillis()).put("inFlight", inFlight)).await(10, TimeUnit.SECONDS);
    Thread.sleep(2 * RESYNC_MS); // resyncs and load rounds read what the rogue wrote

    for (String strategy : List.of("p2c", "least-in-flight", "weighted")) {
      caller.useStrategy("calculator", strategy, new JsonObject()).await(5, TimeUnit.SECONDS);
      callsSucceed(proxy(false), 200);
    }
    assertEquals(0, rogueCalls.get(), "the rogue's replica got calls");
    assertEquals(Set.copyOf(replicas), Set.copyOf(caller.replicas("calculator").stream().map(Replica::address).toList()));
  }

  @Test
  void anUnsignedStrategyChangeIsIgnoredAndASignedOneObeyed() throws Exception {
    rogue.eventBus().publish(MeshProtocol.STRATEGY_CONTROL_ADDRESS,
        new JsonObject().put("service", "calculator").put("strategy", "round-robin"));
    Thread.sleep(500); // the change would apply at once
    assertEquals(ServiceOptions.DEFAULT_STRATEGY, MetricsProbe.metrics(caller, "calculator").strategy());

    Mesh legit = Mesh.join(cluster.addNode(), options()).await(30, TimeUnit.SECONDS);
    legit.useStrategyEverywhere("calculator", "round-robin", new JsonObject()).await(5, TimeUnit.SECONDS);
    Await.until("the signed change reaches the caller", Duration.ofSeconds(5),
        () -> "round-robin".equals(MetricsProbe.metrics(caller, "calculator").strategy()));
  }

  @Test
  void removedEntriesComeBackWithinAResyncPeriodAndNoCallFails() throws Exception {
    callsSucceed(proxy(false), 100);
    long removedAt = System.nanoTime();
    for (String replica : replicas) {
      registry.remove(replica).await(10, TimeUnit.SECONDS);
      rogue.eventBus().request(MeshProtocol.VIEW_ADDRESS_PREFIX + caller.nodeId(), new JsonObject().put("removed", replica))
          .otherwiseEmpty().await(10, TimeUnit.SECONDS);
    }
    callsSucceed(proxy(false), 300);
    Await.until("every replica's node restores its entry", Duration.ofSeconds(10),
        () -> TestCluster.registryAddresses(rogue).containsAll(replicas));
    long restoredMs = (System.nanoTime() - removedAt) / 1_000_000;
    System.out.println("rogue: removed entries restored after " + restoredMs + " ms (resync period " + RESYNC_MS + " ms)");
    assertTrue(restoredMs <= 2 * RESYNC_MS + 500, "restored after " + restoredMs + " ms");
    callsSucceed(proxy(false), 100);
    assertEquals(3, caller.replicas("calculator").size());
  }

  @Test
  void junkInTheRegistryHidesNoReplicaFromANodeThatJoinsLater() throws Exception {
    registry.put("junk", "not a replica").await(10, TimeUnit.SECONDS);
    registry.put(MeshProtocol.REPLICA_ADDRESS_PREFIX + "calculator.x.1", new JsonObject().put("service", 5))
        .await(10, TimeUnit.SECONDS);
    registry.put("array", new JsonArray().add(1)).await(10, TimeUnit.SECONDS);

    Mesh late = Mesh.join(cluster.addNode(), options()).await(30, TimeUnit.SECONDS);
    assertEquals(Set.copyOf(replicas), Set.copyOf(late.awaitReplicas("calculator", 3, 10_000).await(15, TimeUnit.SECONDS)
        .stream().map(Replica::address).toList()));
  }

  @Test
  void forgedRetryBudgetFiguresDoNotTakeTheCallersRetries() throws Exception {
    AsyncMap<String, Object> load = rogue.sharedData().<String, Object>getAsyncMap(MeshProtocol.LOAD_MAP).await(10, TimeUnit.SECONDS);
    JsonObject forged = new JsonObject().put("at", System.currentTimeMillis())
        .put("budget", new JsonObject().put("calculator", new JsonArray().add(1_000_000).add(9_000_000)));
    load.put(nodeId(rogue), forged).await(10, TimeUnit.SECONDS);
    load.put(nodeId(callerNode), forged).await(10, TimeUnit.SECONDS); // under another node's key too
    Thread.sleep(500); // load rounds (every 100 ms) read it

    // Division by zero fails on every replica; 'divide' is retryable here, so each call tries all three.
    Calculator calculator = proxy(false);
    for (int i = 0; i < 10; i++) {
      ServiceException e = assertThrows(ServiceException.class, () -> calculator.divide(1, 0).await(10, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains("all 3 attempts allowed (maxAttempts) failed"), e.getMessage());
    }
  }

  @Test
  void aBareConsumerOnTheServiceNameIsDetectedAndLocalOnlyProxiesNeverReachIt() throws Exception {
    rogue.eventBus().<JsonObject>consumer("calculator", m -> {
      rogueCalls.incrementAndGet();
      m.reply(ROGUE_ANSWER);
    }).completion().await(10, TimeUnit.SECONDS);

    Await.until("the caller reports the plain consumer on its service name", Duration.ofSeconds(10),
        () -> MetricsProbe.metrics(caller, "calculator").foreignConsumers() == 1);
    callsSucceed(proxy(true), 300);
    assertEquals(0, rogueCalls.get(), "a local-only proxy's calls reach only this node's balancer");
  }

  @Test
  void aStrangersConsumerAtAReplicaAddressGetsNoCall() throws Exception {
    String target = replicas.get(0);
    try (LogCapture logs = LogCapture.of("io.busmesh.impl.balance.BalancerVerticle")) {
      rogue.eventBus().<JsonObject>consumer(target, m -> {
        rogueCalls.incrementAndGet();
        m.reply(ROGUE_ANSWER);
      }).completion().await(10, TimeUnit.SECONDS);
      Await.until("the caller notices the stranger at the replica's address", Duration.ofSeconds(10),
          () -> logs.contains("is registered at the address of replica " + target));
      callsSucceed(proxy(false), 300);
    }
    assertEquals(0, rogueCalls.get(), "calls skip a replica whose address a stranger shares");
  }

  private Calculator proxy(boolean localOnly) {
    return new ServiceProxyBuilder(callerNode).setAddress("calculator")
        .setOptions(new DeliveryOptions().setLocalOnly(localOnly)).build(Calculator.class);
  }

  private static void callsSucceed(Calculator calculator, int n) throws Exception {
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(calculator.add(i, 1));
    }
    Future.join(calls).await(30, TimeUnit.SECONDS);
    for (int i = 0; i < n; i++) {
      assertTrue(calls.get(i).succeeded(), "call " + i + " failed: " + calls.get(i).cause());
      assertEquals(i + 1, calls.get(i).result(), "call " + i + " was answered by the rogue");
    }
  }

  private static String nodeId(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager().getNodeId();
  }
}
