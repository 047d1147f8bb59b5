package io.busmesh;

import io.busmesh.examples.calculator.Calculator;
import io.busmesh.test.Await;
import io.busmesh.test.LogCapture;
import io.busmesh.test.TestCertificates;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event-bus mutual TLS across real clustered nodes: a server publishing a calculator replica and a
 * caller, both with certificates of the cluster's CA, and rogue nodes in the same Hazelcast cluster.
 * Hazelcast open source has no member authentication, so knowing the cluster name is enough to join
 * it, read every registration and register consumers; what TLS decides is who can exchange messages.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EventBusTlsClusterTest {

  /** The ways a node that is not certified by the cluster's CA can sit in the cluster. */
  enum Rogue {
    WITHOUT_TLS,
    WITH_ANOTHER_CAS_CERTIFICATE,
    /** Also trusts any server, so that only the certified node's check of client certificates stands in its way. */
    WITH_ANOTHER_CAS_CERTIFICATE_TRUSTING_ANY_SERVER
  }

  private static final String SERVICE = "calculator";
  private static final String EVENT_BUS_LOGGER = "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus";
  private static final long PROXY_TIMEOUT_MS = 2_000;

  private static TestCluster cluster;
  private static TestCertificates clusterCa;
  private static Vertx server;
  private static Vertx caller;
  private static Mesh callerMesh;
  private static String replicaAddress;
  private static final AtomicInteger executions = new AtomicInteger();
  private static final Map<Rogue, Vertx> rogues = new EnumMap<>(Rogue.class);

  @BeforeAll
  static void startNodes() throws Exception {
    clusterCa = TestCertificates.make("cluster", "server", "caller");
    TestCertificates otherCa = TestCertificates.make("other", "rogue");
    cluster = new TestCluster();
    server = cluster.addNode(EventBusTls.configure(new VertxOptions(), clusterCa.security("server")));
    Mesh serverMesh = Mesh.join(server, new MeshOptions().setSecurity(clusterCa.security("server"))).await(30, TimeUnit.SECONDS);
    replicaAddress = serverMesh.publish(SERVICE, Calculator.class, new CountingCalculator(server))
        .await(30, TimeUnit.SECONDS).replica().address();
    caller = cluster.addNode(EventBusTls.configure(new VertxOptions(), clusterCa.security("caller")));
    // Attempts end after 1 s, and the breaker never opens, so that every call's outcome is about TLS alone.
    callerMesh = Mesh.join(caller, new MeshOptions().setSecurity(clusterCa.security("caller")).setDefaults(new ServiceOptions()
        .setCallTimeoutMs(PROXY_TIMEOUT_MS).setAttemptTimeoutMs(1_000).setBreaker(new JsonObject().put("maxFailures", 1_000_000))))
        .await(30, TimeUnit.SECONDS);
    callerMesh.awaitReplicas(SERVICE, 1, 15_000).await(20, TimeUnit.SECONDS);
    rogues.put(Rogue.WITHOUT_TLS, cluster.addNode());
    rogues.put(Rogue.WITH_ANOTHER_CAS_CERTIFICATE,
        cluster.addNode(EventBusTls.configure(new VertxOptions(), otherCa.security("rogue"))));
    VertxOptions trustingAny = EventBusTls.configure(new VertxOptions(), otherCa.security("rogue"));
    trustingAny.getEventBusOptions().setTrustAll(true);
    rogues.put(Rogue.WITH_ANOTHER_CAS_CERTIFICATE_TRUSTING_ANY_SERVER, cluster.addNode(trustingAny));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void certifiedNodesCallEachOtherThroughTheMesh() throws Exception {
    Calculator calculator = proxy(caller, SERVICE);
    for (int i = 0; i < 20; i++) {
      assertEquals(i + 1, calculator.add(i, 1).await(10, TimeUnit.SECONDS));
    }
    assertTrue(callerMesh.stats(SERVICE).get(replicaAddress).succeeded() >= 20);
  }

  @Test
  void aNodeBuiltWithoutTlsCannotJoinTheMeshWithCertificates() {
    Future<Mesh> joined = Mesh.join(rogues.get(Rogue.WITHOUT_TLS), new MeshOptions().setSecurity(clusterCa.security("caller")));

    Throwable failure = assertThrows(joined);
    assertInstanceOf(IllegalStateException.class, failure);
    assertTrue(failure.getMessage().contains("built without it: build it with options from EventBusTls.configure(vertxOptions,"
        + " meshOptions.getSecurity())"), failure.getMessage());
  }

  /**
   * The rogue's consumers take their turn in Vert.x's round robin on both names, but the caller's
   * connection to the rogue never completes its handshake, so what Vert.x routes there never arrives:
   * those calls end as timeouts, and the only sign of why is a warning in the caller's log.
   */
  @ParameterizedTest
  @EnumSource(Rogue.class)
  void aRogueGetsNoCallThoughItRegistersOnTheServiceNameAndTheReplicaAddress(Rogue kind) throws Exception {
    Vertx rogue = rogues.get(kind);
    AtomicInteger stolen = new AtomicInteger();
    List<MessageConsumer<Object>> consumers = new ArrayList<>();
    for (String address : List.of(SERVICE, replicaAddress)) {
      MessageConsumer<Object> consumer = rogue.eventBus().consumer(address, call -> {
        stolen.incrementAndGet();
        call.reply(-1);
      });
      consumer.completion().await(10, TimeUnit.SECONDS);
      consumers.add(consumer);
    }
    String failedConnection = "Connecting to server " + nodeId(rogue) + " failed";
    Calculator calculator = proxy(caller, SERVICE);
    Map<String, Integer> outcomes = new TreeMap<>();
    long started = System.nanoTime();
    long failureLoggedMs = -1;
    try (LogCapture eventBusLog = LogCapture.of(EVENT_BUS_LOGGER)) {
      // Rounds of calls until the caller has tried to reach the rogue and said why it could not.
      while (failureLoggedMs < 0 && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(40)) {
        List<Future<Integer>> round = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          round.add(calculator.add(i, 1));
        }
        Future.join(round).otherwiseEmpty().await(PROXY_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
        for (int i = 0; i < round.size(); i++) {
          outcomes.merge(outcome(round.get(i), i + 1), 1, Integer::sum);
        }
        if (eventBusLog.contains(failedConnection)) {
          failureLoggedMs = (System.nanoTime() - started) / 1_000_000;
        }
      }
      String warning = eventBusLog.lines().stream().filter(l -> l.contains(failedConnection)).findFirst()
          .orElseThrow(() -> new AssertionError("the caller never logged '" + failedConnection + "'; outcomes " + outcomes));
      System.out.println("[tls] " + kind + ": the caller logged, " + failureLoggedMs + " ms after its first call: " + warning
          + "; outcomes " + outcomes);
      // Without TLS the rogue never answers the handshake: Vert.x gives up after sslHandshakeTimeout (10 s).
      String why = kind == Rogue.WITHOUT_TLS ? "handshake timed out after 10000ms" : "PKIX path validation failed";
      assertTrue(warning.startsWith("WARNING") && warning.contains("javax.net.ssl.SSLHandshakeException") && warning.contains(why), warning);
    } finally {
      for (MessageConsumer<Object> consumer : consumers) {
        consumer.unregister().await(10, TimeUnit.SECONDS);
      }
    }
    assertEquals(0, stolen.get(), "calls the rogue received");
    outcomes.keySet().forEach(outcome -> assertTrue(outcome.equals("right answer") || outcome.startsWith("TIMEOUT"), outcomes::toString));
  }

  /**
   * A generated proxy built with local-only delivery reaches only its own node's balancer, so a rogue
   * consumer on the service name takes no turn: every call is answered (the replica address, which the
   * balancer sends to across the cluster, stays open to rogue registrations).
   */
  @Test
  void aLocalOnlyProxyIsNotSharedWithARogueOnTheServiceName() throws Exception {
    Vertx rogue = rogues.get(Rogue.WITH_ANOTHER_CAS_CERTIFICATE);
    AtomicInteger stolen = new AtomicInteger();
    MessageConsumer<Object> consumer = rogue.eventBus().consumer(SERVICE, call -> stolen.incrementAndGet());
    consumer.completion().await(10, TimeUnit.SECONDS);
    try {
      Await.until("the caller sees the rogue's consumer on '" + SERVICE + "'", Duration.ofSeconds(10),
          () -> callerMesh.metrics(SERVICE).toCompletionStage().toCompletableFuture().join().foreignConsumers() == 1);
      Calculator localOnly = new ServiceProxyBuilder(caller).setAddress(SERVICE)
          .setOptions(new DeliveryOptions().setSendTimeout(PROXY_TIMEOUT_MS).setLocalOnly(true)).build(Calculator.class);
      for (int i = 0; i < 12; i++) {
        assertEquals(i + 1, localOnly.add(i, 1).await(10, TimeUnit.SECONDS));
      }
    } finally {
      consumer.unregister().await(10, TimeUnit.SECONDS);
    }
    assertEquals(0, stolen.get());
  }

  /**
   * A rogue's call to the certified replica never runs and fails only as a timeout, whoever refuses
   * whom; a bare write shows the handshake's fate: refused at once when the rogue refuses the node's
   * certificate, "sent" when the node is the one that refuses.
   */
  @ParameterizedTest
  @EnumSource(Rogue.class)
  void aRoguesCallsToAReplicaAddressOfACertifiedNodeFail(Rogue kind) throws Exception {
    Vertx rogue = rogues.get(kind);
    int executedBefore = executions.get();
    String failedConnection = "Connecting to server " + nodeId(server) + " failed";
    try (LogCapture eventBusLog = LogCapture.of(EVENT_BUS_LOGGER)) {
      long started = System.nanoTime();
      Future<Integer> call = proxy(rogue, replicaAddress).add(1, 1);
      Throwable failure = assertThrows(call);
      long callMs = (System.nanoTime() - started) / 1_000_000;

      started = System.nanoTime();
      Future<Void> write = rogue.eventBus().sender(replicaAddress, new DeliveryOptions().addHeader("action", "add"))
          .write(new JsonObject().put("a", 1).put("b", 1));
      write.otherwiseEmpty().await(15, TimeUnit.SECONDS);
      long writeMs = (System.nanoTime() - started) / 1_000_000;

      System.out.println("[tls] " + kind + ": its proxy call failed after " + callMs + " ms with " + failure
          + "; a bare write " + (write.succeeded() ? "succeeded" : "failed with " + write.cause()) + " after " + writeMs
          + " ms; log: " + eventBusLog.lines());
      assertInstanceOf(ReplyException.class, failure);
      assertEquals(ReplyFailure.TIMEOUT, ((ReplyException) failure).failureType());
      assertTrue(callMs >= PROXY_TIMEOUT_MS - 50, "failed after " + callMs + " ms");
      if (kind == Rogue.WITH_ANOTHER_CAS_CERTIFICATE) {
        // The rogue refuses the certified node's certificate: its own client sees the failure at once.
        assertTrue(write.failed() && write.cause() instanceof javax.net.ssl.SSLHandshakeException, String.valueOf(write.cause()));
        assertTrue(writeMs < 2_000, "the refused write took " + writeMs + " ms");
        assertTrue(eventBusLog.contains(failedConnection), eventBusLog.lines().toString());
      } else {
        // Plain bytes, or a TLS 1.3 handshake the client finishes before the server checks its certificate:
        // the write "succeeds", the certified node drops the connection, and no event-bus node logs a thing.
        assertTrue(write.succeeded(), String.valueOf(write.cause()));
        assertEquals(List.of(), eventBusLog.lines());
      }
    }
    assertEquals(executedBefore, executions.get(), "calls the certified replica ran");
  }

  private static Calculator proxy(Vertx vertx, String address) {
    return new ServiceProxyBuilder(vertx).setAddress(address)
        .setOptions(new DeliveryOptions().setSendTimeout(PROXY_TIMEOUT_MS)).build(Calculator.class);
  }

  private static String nodeId(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager().getNodeId();
  }

  private static Throwable assertThrows(Future<?> future) {
    try {
      future.otherwiseEmpty().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no outcome within 30 s", e);
    }
    assertTrue(future.failed(), "expected a failure, got " + future.result());
    return future.cause();
  }

  private static String outcome(Future<Integer> call, int expected) {
    if (call.succeeded()) {
      return call.result() == expected ? "right answer" : "wrong answer " + call.result();
    }
    return call.cause() instanceof ReplyException r ? r.failureType().name() : call.cause().getClass().getSimpleName();
  }

  /** Counts what the certified replica runs, so a test can show a rogue's call never ran. */
  private static final class CountingCalculator implements Calculator {
    private final Calculator delegate;

    CountingCalculator(Vertx vertx) {
      this.delegate = new TunableCalculator(vertx, 0);
    }

    @Override
    public Future<Integer> add(int a, int b) {
      executions.incrementAndGet();
      return delegate.add(a, b);
    }

    @Override
    public Future<Integer> subtract(int a, int b) {
      executions.incrementAndGet();
      return delegate.subtract(a, b);
    }

    @Override
    public Future<Integer> multiply(int a, int b) {
      executions.incrementAndGet();
      return delegate.multiply(a, b);
    }

    @Override
    public Future<Integer> divide(int a, int b) {
      executions.incrementAndGet();
      return delegate.divide(a, b);
    }
  }
}
