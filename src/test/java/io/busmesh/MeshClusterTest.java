package io.busmesh;

import io.busmesh.examples.calculator.Calculator;
import io.busmesh.examples.calculator.CalculatorImpl;
import io.busmesh.test.Await;
import io.busmesh.test.ClusterMapOperations;
import io.busmesh.test.FirstReplicaStrategy;
import io.busmesh.test.LogCapture;
import io.busmesh.test.MetricsProbe;
import io.busmesh.test.TestCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mesh across real clustered Vert.x nodes (Hazelcast on 127.0.0.1). */
class MeshClusterTest {

  private static final Duration VIEW_TIMEOUT = Duration.ofSeconds(15);

  private TestCluster cluster;

  @BeforeEach
  void startCluster() {
    cluster = new TestCluster();
  }

  @AfterEach
  void stopCluster() throws Exception {
    cluster.close();
  }

  @Test
  void aGeneratedProxyOnAnotherNodeReachesAPublishedReplica() throws Exception {
    Vertx server = cluster.addNode();
    Mesh serverMesh = join(server);
    Publication replica = publishCalculator(server, serverMesh, "calculator");
    Vertx caller = cluster.addNode();
    Mesh callerMesh = join(caller);
    awaitReplicas(callerMesh, "calculator", 1);

    Calculator calculator = calculatorProxy(caller, "calculator");

    assertEquals(5, await(calculator.add(2, 3)));
    assertEquals(-1, await(calculator.subtract(2, 3)));
    assertEquals(6, await(calculator.multiply(2, 3)));
    assertEquals(3, await(calculator.divide(7, 2)));
    assertEquals(4, callerMesh.stats("calculator").get(replica.replica().address()).succeeded());
  }

  @Test
  void callsSpreadOverThreeReplicas() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Vertx server = cluster.addNode();
      addresses.add(publishCalculator(server, join(server), "calculator").replica().address());
    }
    Vertx caller = cluster.addNode();
    // Round robin explicitly: the default (p2c) spreads by load, not into exact thirds.
    Mesh mesh = Mesh.join(caller, new MeshOptions().setService("calculator", new ServiceOptions().setStrategy("round-robin")))
        .await(30, TimeUnit.SECONDS);
    awaitReplicas(mesh, "calculator", 3);
    Calculator calculator = calculatorProxy(caller, "calculator");

    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(calculator.add(i, 1));
    }
    Future.all(calls).await(30, TimeUnit.SECONDS);

    Map<String, ReplicaStats> stats = mesh.stats("calculator");
    assertEquals(addresses.stream().sorted().toList(), List.copyOf(stats.keySet()));
    stats.values().forEach(s -> assertEquals(100, s.succeeded(), "calls answered by " + s.address()));
  }

  @Test
  void aUserStrategyNamedInConfOrSwitchedToAtRunTimePlacesEveryCall() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Vertx server = cluster.addNode();
      addresses.add(publishCalculator(server, join(server), "calculator").replica().address());
    }
    addresses.sort(null);
    Vertx caller = cluster.addNode();
    // Registered through META-INF/services, chosen by name as in a conf file.
    Mesh mesh = Mesh.join(caller, new MeshOptions(new JsonObject().put("services", new JsonObject()
        .put("calculator", new JsonObject().put("strategy", FirstReplicaStrategy.NAME))))).await(30, TimeUnit.SECONDS);
    awaitReplicas(mesh, "calculator", 3);
    Calculator calculator = calculatorProxy(caller, "calculator");

    runCalls(calculator, 30);
    assertEquals(30, mesh.stats("calculator").get(addresses.get(0)).succeeded(), "every call to the first replica");

    String last = addresses.get(2);
    mesh.useStrategy("calculator", FirstReplicaStrategy.NAME, new JsonObject().put("suffix", last)).await(5, TimeUnit.SECONDS);
    runCalls(calculator, 20);
    assertEquals(20, mesh.stats("calculator").get(last).succeeded(), "every call to the replica its settings name");
  }

  @Test
  void aPlainServiceBinderConsumerOnAServiceNameIsCountedAndWarnedAbout() throws Exception {
    Vertx server = cluster.addNode();
    publishCalculator(server, join(server), "calculator");
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller);
    awaitReplicas(mesh, "calculator", 1);
    calculatorProxy(caller, "calculator").add(1, 1).await(10, TimeUnit.SECONDS);
    assertEquals(0, MetricsProbe.metrics(mesh, "calculator").foreignConsumers());

    try (LogCapture log = LogCapture.of("io.busmesh.impl.balance.ServiceRoute")) {
      // How every existing service-proxy provider is written: a consumer on the service name itself.
      Vertx legacy = cluster.addNode();
      MessageConsumer<JsonObject> plain = new ServiceBinder(legacy).setAddress("calculator")
          .register(Calculator.class, new CalculatorImpl(legacy, 0, 0.0));
      plain.completion().await(10, TimeUnit.SECONDS);

      Await.until("the caller's balancer sees the plain consumer", VIEW_TIMEOUT,
          () -> MetricsProbe.metrics(mesh, "calculator").foreignConsumers() == 1);
      assertTrue(log.contains("WARNING 1 plain event-bus consumer(s) (not published through busmesh) are registered on the"
          + " name of service 'calculator'"), log.lines().toString());
      assertTrue(log.contains("Mesh.publish(\"calculator\", YourService.class, impl)"), log.lines().toString());
      Mesh later = join(cluster.addNode());
      Await.until("a node that joins afterwards sees it too", VIEW_TIMEOUT,
          () -> MetricsProbe.metrics(later, "calculator").foreignConsumers() == 1);

      plain.unregister().await(10, TimeUnit.SECONDS);
      Await.until("the plain consumer is gone from the count", VIEW_TIMEOUT,
          () -> MetricsProbe.metrics(mesh, "calculator").foreignConsumers() == 0);
    }
  }

  @Test
  void aServiceExceptionReachesTheCallerWithItsCodeMessageAndDebugInfo() throws Exception {
    Vertx server = cluster.addNode();
    publishCalculator(server, join(server), "calculator");
    Vertx caller = cluster.addNode();
    awaitReplicas(join(caller), "calculator", 1);
    Calculator calculator = calculatorProxy(caller, "calculator");

    Throwable failure = failureOf(calculator.divide(7, 0));

    ServiceException e = assertInstanceOf(ServiceException.class, failure);
    assertEquals(Calculator.DIVISION_BY_ZERO, e.failureCode());
    assertEquals("Division by zero: 7 / 0", e.getMessage());
    assertEquals(new JsonObject().put("dividend", 7), e.getDebugInfo());
  }

  @Test
  void headersReachTheReplicaUntouched() throws Exception {
    Vertx server = cluster.addNode();
    Mesh serverMesh = join(server);
    List<String> tokens = new ArrayList<>();
    serverMesh.publish("echo", Calculator.class, new CalculatorImpl(server, 0, 0.0)).await(20, TimeUnit.SECONDS);
    server.eventBus().addInboundInterceptor(ctx -> {
      if (ctx.message().address().startsWith("busmesh.r.echo") && !ctx.message().headers().contains(MeshProtocol.PING_HEADER)) {
        synchronized (tokens) {
          tokens.add(ctx.message().headers().get("action") + ":" + ctx.message().headers().get("auth-token"));
        }
      }
      ctx.next();
    });
    Vertx caller = cluster.addNode();
    awaitReplicas(join(caller), "echo", 1);
    Calculator calculator = new ServiceProxyBuilder(caller).setAddress("echo").setToken("secret-token").build(Calculator.class);

    assertEquals(9, await(calculator.multiply(3, 3)));
    synchronized (tokens) {
      assertEquals(List.of("multiply:secret-token"), tokens);
    }
  }

  /**
   * The order is taken as the caller sends, which is the order on the connection: the server hands each
   * message to its replica's own event loop, so what its two replicas receive may interleave otherwise.
   */
  @Test
  void aNodeThatStartsCallingAServiceOpensItsConnectionToEachReplicaNodeWithOnePingFirst() throws Exception {
    Vertx server = cluster.addNode();
    Mesh serverMesh = join(server);
    for (int i = 0; i < 2; i++) {
      serverMesh.publish("echo", Calculator.class, new CalculatorImpl(server, 0, 0.0)).await(20, TimeUnit.SECONDS);
    }
    Vertx caller = cluster.addNode();
    Mesh callerMesh = join(caller);
    List<String> sent = new ArrayList<>();
    caller.eventBus().addOutboundInterceptor(ctx -> {
      if (ctx.message().address().startsWith("busmesh.r.echo")) {
        synchronized (sent) {
          sent.add(ctx.message().headers().contains(MeshProtocol.PING_HEADER) ? "ping" : ctx.message().headers().get("action"));
        }
      }
      ctx.next();
    });
    awaitReplicas(callerMesh, "echo", 2);
    Calculator calculator = calculatorProxy(caller, "echo");

    for (int i = 0; i < 4; i++) {
      assertEquals(i + 1, await(calculator.add(i, 1)));
    }
    synchronized (sent) {
      assertEquals(List.of("ping", "add", "add", "add", "add"), sent, "one ping for the replicas' node, before its first call");
    }
  }

  /**
   * Vert.x writes all of a connection's messages on the event loop that opened it: from any other
   * loop each message costs a hop, a third of a call's latency at one call in flight. So the ping
   * that opens it must be sent on the loop of the service's first caller, not on the balancer's.
   */
  @Test
  void theConnectionToAReplicaNodeIsOpenedOnTheEventLoopOfTheServicesFirstCaller() throws Exception {
    Vertx server = cluster.addNode();
    publishCalculator(server, join(server), "calculator");
    Vertx caller = cluster.addNode();
    awaitReplicas(join(caller), "calculator", 1);
    List<Thread> pingSenders = new CopyOnWriteArrayList<>();
    caller.eventBus().addOutboundInterceptor(ctx -> {
      if (ctx.message().headers().contains(MeshProtocol.PING_HEADER)) {
        pingSenders.add(Thread.currentThread());
      }
      ctx.next();
    });
    Calculator calculator = calculatorProxy(caller, "calculator");
    Context callerContext = ((VertxInternal) caller).createEventLoopContext();
    Promise<Thread> callerThread = Promise.promise();
    Promise<Integer> sum = Promise.promise();

    callerContext.runOnContext(v -> {
      callerThread.complete(Thread.currentThread());
      calculator.add(2, 3).onComplete(sum);
    });

    assertEquals(5, sum.future().await(20, TimeUnit.SECONDS));
    assertEquals(List.of(callerThread.future().result()), pingSenders, "one ping, sent on the first caller's event loop");
  }

  @Test
  void aServiceWithNoReplicaFailsAtOnceWithAClearError() throws Exception {
    Vertx node = cluster.addNode();
    Mesh mesh = Mesh.join(node, new MeshOptions().setService("billing", new ServiceOptions()))
        .await(30, TimeUnit.SECONDS);
    Calculator billing = new ServiceProxyBuilder(node).setAddress("billing")
        .setOptions(new DeliveryOptions().setSendTimeout(10_000)).build(Calculator.class);

    long started = System.nanoTime();
    Throwable failure = failureOf(billing.add(1, 2));
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    ReplyException e = assertInstanceOf(ReplyException.class, failure);
    assertEquals(ReplyFailure.NO_HANDLERS, e.failureType());
    assertTrue(e.getMessage().contains("No replica is registered for service 'billing'"), e.getMessage());
    assertTrue(elapsedMs < 1_000, "failed after " + elapsedMs + " ms instead of at once");
    assertTrue(mesh.replicas("billing").isEmpty());
  }

  @Test
  void aNameNoNodeKnowsFailsAtOnceNamingTheAddress() throws Exception {
    Vertx node = cluster.addNode();
    join(node);
    Calculator unknown = new ServiceProxyBuilder(node).setAddress("no-such-service")
        .setOptions(new DeliveryOptions().setSendTimeout(10_000)).build(Calculator.class);

    long started = System.nanoTime();
    ReplyException e = assertInstanceOf(ReplyException.class, failureOf(unknown.add(1, 2)));

    assertEquals(ReplyFailure.NO_HANDLERS, e.failureType());
    assertTrue(e.getMessage().contains("no-such-service"), e.getMessage());
    assertTrue((System.nanoTime() - started) / 1_000_000 < 1_000);
  }

  @Test
  void aReplicaWhoseLastPublicationClosedFailsFastNamingTheService() throws Exception {
    Vertx server = cluster.addNode();
    Publication publication = publishCalculator(server, join(server), "calculator");
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller);
    awaitReplicas(mesh, "calculator", 1);
    Calculator calculator = calculatorProxy(caller, "calculator");
    assertEquals(2, await(calculator.add(1, 1)));

    publication.close().await(20, TimeUnit.SECONDS);

    // close() completes only after every balancer acknowledged the removal: no waiting needed.
    assertTrue(mesh.replicas("calculator").isEmpty());
    ReplyException e = assertInstanceOf(ReplyException.class, failureOf(calculator.add(1, 1)));
    assertTrue(e.getMessage().contains("No replica is registered for service 'calculator'"), e.getMessage());
  }

  @Test
  void aClosedReplicaNodeLeavesEveryViewAndCallsGoOnOnTheOthers() throws Exception {
    List<Vertx> servers = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Vertx server = cluster.addNode();
      servers.add(server);
      addresses.add(publishCalculator(server, join(server), "calculator").replica().address());
    }
    Vertx callerA = cluster.addNode();
    Mesh meshA = join(callerA);
    Vertx callerB = cluster.addNode();
    Mesh meshB = join(callerB);
    awaitReplicas(meshA, "calculator", 3);
    awaitReplicas(meshB, "calculator", 3);

    cluster.closeNode(servers.get(0));

    String gone = addresses.get(0);
    for (Mesh mesh : List.of(meshA, meshB)) {
      Await.until("the closed node's replica leaves the view", VIEW_TIMEOUT,
          () -> mesh.replicas("calculator").stream().noneMatch(r -> r.address().equals(gone)));
      assertEquals(2, mesh.replicas("calculator").size());
    }
    Calculator calculator = calculatorProxy(callerA, "calculator");
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      calls.add(calculator.add(i, 1));
    }
    Future.all(calls).await(30, TimeUnit.SECONDS);
    assertTrue(calls.stream().allMatch(Future::succeeded));
    ReplicaStats survivor1 = meshA.stats("calculator").get(addresses.get(1));
    ReplicaStats survivor2 = meshA.stats("calculator").get(addresses.get(2));
    assertEquals(100, survivor1.succeeded() + survivor2.succeeded());
  }

  @Test
  void closingAPublicationDuringCallsLosesNoCall() throws Exception {
    Vertx serverA = cluster.addNode();
    Publication closing = Mesh.join(serverA).compose(m -> m.publish("calculator", Calculator.class,
        new CalculatorImpl(serverA, 20, 0.0))).await(30, TimeUnit.SECONDS);
    Vertx serverB = cluster.addNode();
    Mesh.join(serverB).compose(m -> m.publish("calculator", Calculator.class, new CalculatorImpl(serverB, 20, 0.0)))
        .await(30, TimeUnit.SECONDS);
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller);
    awaitReplicas(mesh, "calculator", 2);
    Calculator calculator = new ServiceProxyBuilder(caller).setAddress("calculator")
        .setOptions(new DeliveryOptions().setSendTimeout(10_000)).build(Calculator.class);

    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(calculator.add(i, 1));
    }
    Await.until("calls are in flight at the closing replica", VIEW_TIMEOUT, () -> closing.inFlight() > 0);
    Future<Void> closed = closing.close();
    for (int i = 200; i < 400; i++) {
      calls.add(calculator.add(i, 1));
    }
    closed.await(30, TimeUnit.SECONDS);
    Future.join(calls).await(30, TimeUnit.SECONDS);

    for (int i = 0; i < calls.size(); i++) {
      assertTrue(calls.get(i).succeeded(), "call " + i + " failed: " + calls.get(i).cause());
      assertEquals(i + 1, calls.get(i).result());
    }
    assertEquals(0, closing.inFlight());
    assertTrue(mesh.replicas("calculator").stream().noneMatch(r -> r.address().equals(closing.replica().address())));
  }

  @Test
  void aMalformedMessageToAReplicaGetsAClearErrorAndTheReplicaKeepsServing() throws Exception {
    Vertx server = cluster.addNode();
    String address = publishCalculator(server, join(server), "calculator").replica().address();
    Vertx caller = cluster.addNode();
    awaitReplicas(join(caller), "calculator", 1);

    ReplyException notJson = assertInstanceOf(ReplyException.class,
        failureOf(caller.eventBus().request(address, "add 1 2", new DeliveryOptions().addHeader("action", "add"))));
    ReplyException noAction = assertInstanceOf(ReplyException.class,
        failureOf(caller.eventBus().request(address, new JsonObject().put("a", 1).put("b", 2))));
    ReplyException unknownMethod = assertInstanceOf(ReplyException.class,
        failureOf(caller.eventBus().request(address, new JsonObject(), new DeliveryOptions().addHeader("action", "sqrt"))));

    assertEquals(400, notJson.failureCode());
    assertTrue(notJson.getMessage().contains("body must be a JSON object of named arguments, got String"), notJson.getMessage());
    assertEquals(400, noAction.failureCode());
    assertTrue(noAction.getMessage().contains("no 'action' header"), noAction.getMessage());
    assertTrue(unknownMethod.getMessage().contains("sqrt"), unknownMethod.getMessage());
    Calculator calculator = calculatorProxy(caller, "calculator");
    assertEquals(3, await(calculator.add(1, 2)));
  }

  @Test
  void callsDoNotTouchAnyClusterMap() throws Exception {
    // Periodic work (in-flight sharing, registry resync) an hour apart, so only the path of a call is counted.
    MeshOptions noSharing = new MeshOptions().setLoadSharePeriodMs(3_600_000).setResyncIntervalMs(3_600_000)
        .setMetricsPeriodMs(0);
    Vertx server = cluster.addNode();
    publishCalculator(server, Mesh.join(server, noSharing).await(30, TimeUnit.SECONDS), "calculator");
    Vertx caller = cluster.addNode();
    awaitReplicas(Mesh.join(caller, noSharing).await(30, TimeUnit.SECONDS), "calculator", 1);
    Calculator calculator = calculatorProxy(caller, "calculator");
    runCalls(calculator, 50); // first calls fill Vert.x's own address cache, once per address
    // Calibration: what one registry read adds to the count (statistics may lag the reply a little).
    long calibration = ClusterMapOperations.count(server, caller);
    long oneRead = countedAfterOneRegistryRead(caller, calibration, server, caller);

    long before = ClusterMapOperations.count(server, caller);
    runCalls(calculator, 2_000);
    long afterCallsAndOneRead = countedAfterOneRegistryRead(caller, before, server, caller);

    assertEquals(oneRead, afterCallsAndOneRead, "cluster map operations during 2000 calls, besides the marker read");
  }

  /** Reads the registry once and waits until the statistics show it; returns the growth since {@code base}. */
  private static long countedAfterOneRegistryRead(Vertx reader, long base, Vertx... members) throws Exception {
    reader.sharedData().getAsyncMap(MeshProtocol.REGISTRY_MAP).compose(m -> m.get("marker")).await(10, TimeUnit.SECONDS);
    Await.until("the registry read shows in the map statistics", VIEW_TIMEOUT,
        () -> ClusterMapOperations.count(members) > base);
    return ClusterMapOperations.count(members) - base;
  }

  @Test
  void inFlightSharingCostsMapOperationsPerPeriodNotPerCall() throws Exception {
    long period = 50;
    MeshOptions sharing = new MeshOptions().setLoadSharePeriodMs(period).setMetricsPeriodMs(0);
    Vertx server = cluster.addNode();
    publishCalculator(server, Mesh.join(server, sharing).await(30, TimeUnit.SECONDS), "calculator");
    Vertx caller = cluster.addNode();
    awaitReplicas(Mesh.join(caller, sharing).await(30, TimeUnit.SECONDS), "calculator", 1);
    Calculator calculator = calculatorProxy(caller, "calculator");
    runCalls(calculator, 50);

    for (int calls : new int[] {100, 5_000}) {
      long before = ClusterMapOperations.count(server, caller);
      long started = System.nanoTime();
      runCalls(calculator, calls);
      long periods = (System.nanoTime() - started) / (period * 1_000_000) + 2;
      long operations = ClusterMapOperations.count(server, caller) - before;
      // Per node and period: at most one write of its own counts and one read per other node (2 nodes:
      // 4 per period), plus a registry resync now and then.
      assertTrue(operations <= 4 * periods + 20, operations + " map operations for " + calls + " calls over " + periods + " periods");
    }
  }

  @Test
  void seedMetricsCountCallsErrorsAndFaultsPerReplica() throws Exception {
    Vertx server = cluster.addNode();
    publishCalculator(server, join(server), "calculator");
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller);
    awaitReplicas(mesh, "calculator", 1);
    Calculator calculator = calculatorProxy(caller, "calculator");
    runCalls(calculator, 30);
    failureOf(calculator.divide(1, 0));

    Await.until("the other nodes' in-flight counts have been read once", VIEW_TIMEOUT,
        () -> MetricsProbe.metrics(mesh, "calculator").loadViewAgeMs() >= 0);
    ServiceMetrics metrics = MetricsProbe.metrics(mesh, "calculator");

    assertEquals(31, metrics.calls());
    assertEquals(1.0 / 31, metrics.errorRate(), 1e-9);
    assertEquals(0.0, metrics.faultRate(), "an application error needs no fault handling");
    assertTrue(metrics.p99Us() >= metrics.p50Us() && metrics.p50Us() > 0, metrics.toJson().encode());
    assertEquals(1, metrics.replicas().size());
    assertTrue(metrics.loadViewAgeMs() < 1_000, "view age " + metrics.loadViewAgeMs() + " ms with a 100 ms period");
  }

  @Test
  void eachNodePublishesItsServiceMetricsOnTheEventBus() throws Exception {
    Vertx server = cluster.addNode();
    publishCalculator(server, join(server), "calculator");
    Vertx caller = cluster.addNode();
    Mesh mesh = Mesh.join(caller, new MeshOptions().setMetricsPeriodMs(100)).await(30, TimeUnit.SECONDS);
    awaitReplicas(mesh, "calculator", 1);
    List<JsonObject> published = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.eventBus().<JsonObject>consumer(MeshProtocol.METRICS_ADDRESS, m -> published.add(m.body()))
        .completion().await(10, TimeUnit.SECONDS);
    runCalls(calculatorProxy(caller, "calculator"), 10);

    Await.until("the caller's metrics reach another node", VIEW_TIMEOUT,
        () -> published.stream().anyMatch(m -> m.getString("node").equals(mesh.nodeId()) && m.getLong("calls") >= 10));
    JsonObject last = published.get(published.size() - 1);
    assertEquals("calculator", last.getString("service"));
    assertTrue(last.containsKey("load") && last.containsKey("p99Us") && last.containsKey("errorRate")
        && last.containsKey("faultRate") && last.getJsonArray("replicas").size() == 1, last.encode());
  }

  @Test
  void theResyncRepairsAMissedPushAndDropsEntriesOfDeadNodes() throws Exception {
    Vertx node = cluster.addNode();
    Mesh mesh = Mesh.join(node, new MeshOptions().setResyncIntervalMs(100)).await(30, TimeUnit.SECONDS);
    Replica missed = new Replica("calculator", "busmesh.r.calculator.missed", mesh.nodeId(), 1, "", 0, null);
    Replica orphan = new Replica("calculator", "busmesh.r.calculator.orphan", "a-node-that-died", 1, "", 0, null);

    // Written straight into the cluster map, as if the push to this node had been lost.
    node.sharedData().<String, JsonObject>getAsyncMap(MeshProtocol.REGISTRY_MAP)
        .compose(m -> m.put(missed.address(), missed.toJson()).compose(v -> m.put(orphan.address(), orphan.toJson())))
        .await(10, TimeUnit.SECONDS);

    Await.until("the resync brings the missed replica into the view", VIEW_TIMEOUT,
        () -> mesh.replicas("calculator").equals(List.of(missed)));
    Await.until("the resync deletes the dead node's entry", VIEW_TIMEOUT,
        () -> TestCluster.registryAddresses(node).equals(Set.of(missed.address())));
    assertEquals(List.of(missed), mesh.replicas("calculator"));
  }

  private static void runCalls(Calculator calculator, int n) throws Exception {
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(calculator.add(i, 1));
    }
    Future.all(calls).await(30, TimeUnit.SECONDS);
  }

  private static void awaitReplicas(Mesh mesh, String service, int count) throws Exception {
    mesh.awaitReplicas(service, count, 15_000).await(20, TimeUnit.SECONDS);
  }

  private static Calculator calculatorProxy(Vertx caller, String service) {
    return new ServiceProxyBuilder(caller).setAddress(service).build(Calculator.class);
  }

  private static Mesh join(Vertx vertx) throws Exception {
    return Mesh.join(vertx).await(30, TimeUnit.SECONDS);
  }

  private static Publication publishCalculator(Vertx vertx, Mesh mesh, String service) throws Exception {
    return mesh.publish(service, Calculator.class, new CalculatorImpl(vertx, 0, 0.0)).await(30, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(20, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Future<?> future) {
    return assertThrows(Throwable.class, () -> future.await(20, TimeUnit.SECONDS));
  }
}
