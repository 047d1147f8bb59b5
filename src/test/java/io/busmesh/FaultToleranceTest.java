package io.busmesh;

import io.busmesh.examples.calculator.Calculator;
import io.busmesh.examples.calculator.CalculatorImpl;
import io.busmesh.test.Await;
import io.busmesh.test.MetricsProbe;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Breakers, failover, retry budget and node loss across real clustered nodes. */
class FaultToleranceTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final TestCluster cluster = new TestCluster();
  private int published;

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aTimingOutReplicaTripsItsBreakerLeavesSelectionAndRecoversThroughHalfOpen() throws Exception {
    Vertx slowNode = cluster.addNode();
    TunableCalculator slowImpl = new TunableCalculator(slowNode, 500);
    String slow = publish(slowNode, slowImpl);
    Vertx healthyNode = cluster.addNode();
    String healthy = publish(healthyNode, new CalculatorImpl(healthyNode, 0, 0.0));
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller, new ServiceOptions().setStrategy("round-robin").setAttemptTimeoutMs(100)
        .setBreaker(new JsonObject().put("maxFailures", 3).put("resetTimeout", 1_000)));
    List<String> states = breakerStates(caller);
    Calculator calculator = proxy(caller);

    for (int i = 0; i < 12; i++) {
      assertEquals(i + 1, calculator.add(i, 1).await(10, TimeUnit.SECONDS), "failed over to the healthy replica");
    }
    Await.until("the slow replica's breaker opens", WAIT, () -> states.contains("OPEN"));
    long slowAttempts = mesh.stats("calculator").get(slow).completed();
    for (int i = 0; i < 20; i++) {
      calculator.add(i, 1).await(10, TimeUnit.SECONDS);
    }
    assertEquals(slowAttempts, mesh.stats("calculator").get(slow).completed(), "calls sent to an open breaker's replica");

    slowImpl.setDelayMs(0);
    Await.until("a half-open probe succeeds and the breaker closes", WAIT, () -> {
      calculator.add(1, 1).await(); // each call bounded by the proxy's send timeout
      return states.contains("CLOSED");
    });
    assertEquals(List.of("OPEN", "HALF_OPEN", "CLOSED"), states.subList(0, 3));
    long before = mesh.stats("calculator").get(slow).succeeded();
    for (int i = 0; i < 20; i++) {
      calculator.add(i, 1).await(10, TimeUnit.SECONDS);
    }
    assertEquals(10, mesh.stats("calculator").get(slow).succeeded() - before, "round robin includes the recovered replica");
    assertTrue(mesh.stats("calculator").get(healthy).failed() == 0);
  }

  @Test
  void aHalfOpenBreakersRefusalsCostNeitherAnAttemptNorTheRetryBudget() throws Exception {
    Vertx slowNode = cluster.addNode();
    String slow = publish(slowNode, new TunableCalculator(slowNode, 500));
    Vertx healthyNode = cluster.addNode();
    publish(healthyNode, new CalculatorImpl(healthyNode, 0, 0.0));
    Vertx caller = cluster.addNode();
    // No retry at all: a call whose one attempt fails, fails.
    Mesh mesh = join(caller, new ServiceOptions().setStrategy("round-robin").setAttemptTimeoutMs(100)
        .setRetryBudget(0, 0).setBreaker(new JsonObject().put("maxFailures", 1).put("resetTimeout", 500)));
    List<String> states = breakerStates(caller);
    Calculator calculator = proxy(caller);
    for (int i = 0; i < 2; i++) { // one of them times out on the slow replica and opens its breaker
      calculator.add(i, 1).otherwise((Integer) null).await(10, TimeUnit.SECONDS);
    }
    Await.until("the slow replica's breaker turns half-open", WAIT, () -> states.contains("HALF_OPEN"));
    long slowAttempts = mesh.stats("calculator").get(slow).completed() + mesh.stats("calculator").get(slow).inFlight();

    // Round robin offers the half-open replica to every other call; its breaker lets one through as
    // the probe and refuses the rest, which must go to the healthy replica without using a retry.
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(calculator.add(i, 1));
    }
    Future.join(calls).otherwiseEmpty().await(10, TimeUnit.SECONDS);

    long failed = calls.stream().filter(Future::failed).count();
    assertTrue(failed <= 1, failed + " of 20 calls failed; only the probe on the slow replica may: "
        + calls.stream().filter(Future::failed).map(c -> c.cause().getMessage()).toList());
    long sentToSlow = mesh.stats("calculator").get(slow).completed() + mesh.stats("calculator").get(slow).inFlight() - slowAttempts;
    assertEquals(1, sentToSlow, "attempts sent to the half-open replica: the probe only");
  }

  @Test
  void whenEveryBreakerIsOpenCallsAreBalancedOverAllReplicasInsteadOfFailingFast() throws Exception {
    List<TunableCalculator> impls = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Vertx node = cluster.addNode();
      TunableCalculator impl = new TunableCalculator(node, 500);
      impls.add(impl);
      publish(node, impl);
    }
    Vertx caller = cluster.addNode();
    // Breakers that stay open for a minute: nothing but panic mode can bring calls back meanwhile.
    Mesh mesh = join(caller, new ServiceOptions().setStrategy("round-robin").setAttemptTimeoutMs(100)
        .setBreaker(new JsonObject().put("maxFailures", 1).put("resetTimeout", 60_000)));
    List<String> states = breakerStates(caller);
    Calculator calculator = proxy(caller);
    // Every replica stalls (as they all seem to when the caller's own machine does): both breakers open.
    Await.until("both breakers open", WAIT, () -> {
      calculator.add(0, 1).otherwise((Integer) null).await(); // bounded by the attempt timeouts
      return states.stream().filter("OPEN"::equals).count() == 2;
    });
    Map<String, Long> before = completedPerReplica(mesh);

    impls.forEach(impl -> impl.setDelayMs(0));
    for (int i = 0; i < 20; i++) {
      assertEquals(i + 1, calculator.add(i, 1).await(10, TimeUnit.SECONDS), "call " + i + " with every breaker open");
    }
    Map<String, Long> after = completedPerReplica(mesh);
    assertTrue(after.keySet().stream().allMatch(a -> after.get(a) - before.get(a) >= 5), before + " -> " + after);
    assertEquals(2, states.size(), "no breaker changed state meanwhile: " + states);
  }

  /** The breaker states {@code caller} publishes from now on, in order. */
  private static List<String> breakerStates(Vertx caller) throws Exception {
    List<String> states = new CopyOnWriteArrayList<>();
    caller.eventBus().<JsonObject>consumer(MeshProtocol.BREAKER_ADDRESS, m -> states.add(m.body().getString("state")))
        .completion().await(10, TimeUnit.SECONDS);
    return states;
  }

  private static Map<String, Long> completedPerReplica(Mesh mesh) {
    Map<String, Long> completed = new HashMap<>();
    mesh.stats("calculator").forEach((address, stats) -> completed.put(address, stats.completed()));
    return completed;
  }

  @Test
  void anApplicationErrorIsNotRetried() throws Exception {
    Vertx server = cluster.addNode();
    publish(server, new CalculatorImpl(server, 0, 0.0));
    publish(server, new CalculatorImpl(server, 0, 0.0));
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller, new ServiceOptions());

    Throwable failure = assertThrows(Throwable.class, () -> proxy(caller).divide(1, 0).await(10, TimeUnit.SECONDS));

    ServiceException e = assertInstanceOf(ServiceException.class, failure);
    assertEquals(Calculator.DIVISION_BY_ZERO, e.failureCode());
    assertEquals("Division by zero: 1 / 0", e.getMessage(), "relayed unchanged");
    assertEquals(1, mesh.stats("calculator").values().stream().mapToLong(ReplicaStats::completed).sum(), "attempts");
  }

  @Test
  void aRetryableMethodsApplicationErrorFailsOverToAnotherReplica() throws Exception {
    Vertx server = cluster.addNode();
    publish(server, new CalculatorImpl(server, 0, 1.0));
    publish(server, new CalculatorImpl(server, 0, 0.0));
    Vertx caller = cluster.addNode();
    join(caller, new ServiceOptions().setRetryableMethods(Set.of("add")));
    Calculator calculator = proxy(caller);

    for (int i = 0; i < 50; i++) {
      assertEquals(i + 1, calculator.add(i, 1).await(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aTotalOutageFailsEachCallWithOneClearErrorAndTheBudgetCapsAttempts() throws Exception {
    Vertx server = cluster.addNode();
    for (int i = 0; i < 3; i++) {
      publish(server, new CalculatorImpl(server, 0, 1.0));
    }
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller, new ServiceOptions().setRetryableMethods(Set.of("add")).setRetryBudget(0.2, 0));
    Calculator calculator = proxy(caller);

    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      calls.add(calculator.add(i, 1));
    }
    Future.join(calls).otherwiseEmpty().await(30, TimeUnit.SECONDS);

    long attempts = mesh.stats("calculator").values().stream().mapToLong(ReplicaStats::completed).sum();
    assertTrue(calls.stream().allMatch(Future::failed));
    assertTrue(attempts <= 1.2 * calls.size(), attempts + " attempts for " + calls.size() + " calls");
    ServiceException e = assertInstanceOf(ServiceException.class, calls.get(0).cause());
    assertEquals(503, e.failureCode());
    assertTrue(e.getMessage().startsWith("Call to service 'calculator' failed: ") && e.getMessage().contains("; tried busmesh.r.calculator."),
        e.getMessage());
    assertTrue(calls.stream().anyMatch(c -> c.cause().getMessage().contains("all 3 attempts allowed (maxAttempts) failed")
        || c.cause().getMessage().contains("retry budget")), "a call that was retried says why it stopped");
  }

  @Test
  void theRetryBudgetCountsEveryCallersCallsAcrossTheCluster() throws Exception {
    Vertx server = cluster.addNode();
    publish(server, new CalculatorImpl(server, 0, 0.0));
    Vertx callerA = cluster.addNode();
    join(callerA, new ServiceOptions());
    Vertx callerB = cluster.addNode();
    Mesh meshB = join(callerB, new ServiceOptions());

    Calculator viaA = proxy(callerA);
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      calls.add(viaA.add(i, 1));
    }
    Future.all(calls).await(30, TimeUnit.SECONDS);

    // B made no call itself; its budget knows A's through the shared map within a few periods.
    Await.until("node B's retry budget counts node A's calls", WAIT,
        () -> MetricsProbe.metrics(meshB, "calculator").budgetCalls() >= 100);
  }

  @Test
  void failsafeAnswersTheConfiguredValueAndFailfastNeverRetries() throws Exception {
    Vertx server = cluster.addNode();
    publish(server, new CalculatorImpl(server, 0, 1.0));
    publish(server, new CalculatorImpl(server, 0, 1.0));
    Vertx failsafeCaller = cluster.addNode();
    join(failsafeCaller, new ServiceOptions().setFaultMode(FaultMode.FAILSAFE).setFailsafeValue(-1)
        .setRetryableMethods(Set.of("add")));
    Vertx failfastCaller = cluster.addNode();
    Mesh failfast = join(failfastCaller, new ServiceOptions().setFaultMode(FaultMode.FAILFAST)
        .setRetryableMethods(Set.of("add")));

    assertEquals(-1, proxy(failsafeCaller).add(1, 2).await(10, TimeUnit.SECONDS));
    assertThrows(ServiceException.class, () -> proxy(failfastCaller).add(1, 2).await(10, TimeUnit.SECONDS));
    assertEquals(1, failfast.stats("calculator").values().stream().mapToLong(ReplicaStats::completed).sum(), "attempts");
  }

  @Test
  void aReplicaFailingMoreThanItsPeersIsEjectedFromSelection() throws Exception {
    Vertx server = cluster.addNode();
    String failing = publish(server, new CalculatorImpl(server, 0, 1.0));
    publish(server, new CalculatorImpl(server, 0, 0.0));
    publish(server, new CalculatorImpl(server, 0, 0.0));
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller, new ServiceOptions().setStrategy("round-robin").setOutlierEjection(new JsonObject()));
    Calculator calculator = proxy(caller);
    for (int i = 0; i < 30; i++) {
      calculator.add(i, 1).otherwiseEmpty().await(10, TimeUnit.SECONDS); // a third fail: the service's own errors
    }

    Await.until("the failing replica is ejected (evaluated every second)", WAIT, () -> {
      long before = mesh.stats("calculator").get(failing).completed();
      for (int i = 0; i < 3; i++) { // a whole round-robin cycle
        calculator.add(1, 1).otherwiseEmpty().await();
      }
      return mesh.stats("calculator").get(failing).completed() == before;
    });
    for (int i = 0; i < 30; i++) {
      assertEquals(i + 1, calculator.add(i, 1).await(10, TimeUnit.SECONDS), "calls after the ejection");
    }
  }

  @Test
  void hedgingSendsABackupWhenTheFirstAttemptIsSlowAndTheFirstAnswerWins() throws Exception {
    Vertx slowNode = cluster.addNode();
    TunableCalculator slowImpl = new TunableCalculator(slowNode, 0);
    String slow = publish(slowNode, slowImpl);
    Vertx fastNode = cluster.addNode();
    publish(fastNode, new CalculatorImpl(fastNode, 0, 0.0));
    Vertx caller = cluster.addNode();
    Mesh mesh = join(caller, new ServiceOptions().setStrategy("round-robin").setFaultMode(FaultMode.HEDGED)
        .setIdempotentMethods(Set.of("add")).setHedging(95, 1.0));
    Calculator calculator = proxy(caller);
    for (int i = 0; i < 200; i++) { // the trigger learns the healthy latency
      calculator.add(i, 1).await(10, TimeUnit.SECONDS);
    }

    slowImpl.setDelayMs(3_000);
    long started = System.nanoTime();
    for (int i = 0; i < 10; i++) { // half of them start on the slow replica
      assertEquals(i + 1, calculator.add(i, 1).await(10, TimeUnit.SECONDS));
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertTrue(elapsedMs < 1_500, "10 calls took " + elapsedMs + " ms; 5 of them were on a replica taking 3 s");
    assertTrue(mesh.stats("calculator").get(slow).inFlight() >= 1, "the slow first attempts are still running");
  }

  private String publish(Vertx node, Calculator impl) throws Exception {
    published++;
    return Mesh.join(node).compose(m -> m.publish("calculator", Calculator.class, impl)).await(30, TimeUnit.SECONDS)
        .replica().address();
  }

  private Mesh join(Vertx caller, ServiceOptions service) throws Exception {
    Mesh mesh = Mesh.join(caller, new MeshOptions().setService("calculator", service)).await(30, TimeUnit.SECONDS);
    mesh.awaitReplicas("calculator", published, 15_000).await(20, TimeUnit.SECONDS);
    return mesh;
  }

  private static Calculator proxy(Vertx caller) {
    return new ServiceProxyBuilder(caller).setAddress("calculator")
        .setOptions(new DeliveryOptions().setSendTimeout(30_000)).build(Calculator.class);
  }
}
