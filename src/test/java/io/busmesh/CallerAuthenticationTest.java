package io.busmesh;

import io.busmesh.test.TestCluster;
import io.busmesh.test.TestTokens;
import io.busmesh.test.ledger.Ledger;
import io.busmesh.test.ledger.TunableLedger;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.serviceproxy.ServiceException;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.busmesh.test.Await.until;
import static io.busmesh.test.MetricsProbe.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicas published with authentication and authorization, called through the mesh by generated
 * proxies with and without tokens: every call is checked on its own, refusals reach the caller at once
 * with 401 or 403 and a sentence, and they are neither retried nor held against the replica.
 */
class CallerAuthenticationTest {

  private static final PermissionBasedAuthorization WRITE = PermissionBasedAuthorization.create("ledger:write");

  private static final TestCluster cluster = new TestCluster();
  private static final TunableLedger.Executions executions = new TunableLedger.Executions();
  private static final TestTokens tokens = new TestTokens()
      .issue("alice-token", "alice", WRITE, call("append"), call("count"))
      .issue("bob-token", "bob", PermissionBasedAuthorization.create("ledger:read"), call("count"));
  private static final List<Publication> replicas = new ArrayList<>();
  private static Vertx caller;
  private static Mesh callerMesh;
  private static Mesh serverMesh;

  @BeforeAll
  static void start() throws Exception {
    Vertx server = cluster.addNode();
    serverMesh = Mesh.join(server).await(30, TimeUnit.SECONDS);
    PublishOptions writersOnly = new PublishOptions().setAuthentication(tokens).setAuthorization(tokens, WRITE);
    for (int i = 0; i < 2; i++) {
      replicas.add(serverMesh.publish("ledger", Ledger.class, new OnItsEventLoop(server), writersOnly).await(30, TimeUnit.SECONDS));
    }
    PublishOptions perMethod = new PublishOptions().setAuthentication(tokens)
        .setAuthorization(tokens, PermissionBasedAuthorization.create("call").setResource("{method}"));
    serverMesh.publish("ledger-by-method", Ledger.class, new OnItsEventLoop(server), perMethod).await(30, TimeUnit.SECONDS);

    caller = cluster.addNode();
    // Application errors of both methods may be retried: a refused caller still must not be.
    ServiceOptions retryEverything = new ServiceOptions().setStrategy("round-robin").setMaxAttempts(3)
        .setRetryableMethods(Set.of("append", "count"));
    callerMesh = Mesh.join(caller, new MeshOptions().setService("ledger", retryEverything)).await(30, TimeUnit.SECONDS);
    callerMesh.awaitReplicas("ledger", 2, 15_000).await(20, TimeUnit.SECONDS);
    callerMesh.awaitReplicas("ledger-by-method", 1, 15_000).await(20, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aCallWithoutATokenIsRefusedAtOnceWith401AndNeverRuns() {
    long started = System.nanoTime();
    ReplyException e = refusal(ledger(null).append("no-token"));
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertEquals(MeshProtocol.UNAUTHENTICATED, e.failureCode());
    assertTrue(e.getMessage().startsWith("Call to service 'ledger' (method 'append') refused by replica busmesh.r.ledger."),
        e.getMessage());
    assertTrue(e.getMessage().contains("it carries no token and this replica requires one. Give the caller's proxy a"
        + " token: new ServiceProxyBuilder(vertx).setAddress(\"ledger\").setToken(token)"), e.getMessage());
    assertTrue(elapsedMs < 3_000, "refused in " + elapsedMs + " ms, not after a timeout");
    assertEquals(0, executions.of("no-token"));
  }

  @Test
  void aCallWithATokenTheProviderRejectsIsRefusedWith401() {
    ReplyException e = refusal(ledger("forged-token").append("forged"));

    assertEquals(MeshProtocol.UNAUTHENTICATED, e.failureCode());
    assertTrue(e.getMessage().contains("its token was rejected (unknown token). Call with a valid token"), e.getMessage());
    assertEquals(0, executions.of("forged"));
  }

  @Test
  void aCallerWithoutTheRequiredAuthorizationIsRefusedWith403() {
    ReplyException e = refusal(ledger("bob-token").append("by-bob"));

    assertEquals(MeshProtocol.FORBIDDEN, e.failureCode());
    assertTrue(e.getMessage().contains("caller 'bob' lacks PERMISSION[ledger:write]. Grant it that authorization,"),
        e.getMessage());
    assertEquals(0, executions.of("by-bob"));
  }

  @Test
  void aCallerWithTheRequiredAuthorizationGetsTheResultFromTheServiceOnItsEventLoop() throws Exception {
    assertEquals(1, ledger("alice-token").append("by-alice").await(10, TimeUnit.SECONDS));
    assertEquals(1, ledger("alice-token").count("by-alice").await(10, TimeUnit.SECONDS));
  }

  @Test
  void aCallerAuthenticatedOnOneCallIsNotTheCallerOfTheNext() throws Exception {
    assertEquals(1, ledger("alice-token").append("then-anonymous").await(10, TimeUnit.SECONDS));
    assertEquals(MeshProtocol.UNAUTHENTICATED, refusal(ledger(null).append("then-anonymous")).failureCode());
    assertEquals(MeshProtocol.FORBIDDEN, refusal(ledger("bob-token").append("then-anonymous")).failureCode());

    // Checks under way at the same time (the provider answers on its own thread) keep their callers apart.
    List<Future<Integer>> byAlice = new ArrayList<>();
    List<Future<Integer>> byBob = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byAlice.add(ledger("alice-token").append("concurrent-alice-" + i));
      byBob.add(ledger("bob-token").append("concurrent-bob-" + i));
    }
    ended(Future.join(byAlice));
    ended(Future.join(byBob));
    for (int i = 0; i < 20; i++) {
      assertTrue(byAlice.get(i).succeeded(), "alice's call " + i + ": " + byAlice.get(i).cause());
      assertEquals(MeshProtocol.FORBIDDEN, refusal(byBob.get(i)).failureCode(), "bob's call " + i);
      assertEquals(0, executions.of("concurrent-bob-" + i));
    }
  }

  @Test
  void aRequirementCanDependOnTheMethodCalled() throws Exception {
    Function<String, Ledger> byMethod = token -> new ServiceProxyBuilder(caller).setAddress("ledger-by-method")
        .setToken(token).build(Ledger.class);

    assertEquals(0, byMethod.apply("bob-token").count("per-method").await(10, TimeUnit.SECONDS));
    ReplyException e = refusal(byMethod.apply("bob-token").append("per-method"));
    assertEquals(MeshProtocol.FORBIDDEN, e.failureCode());
    assertTrue(e.getMessage().contains("caller 'bob' lacks PERMISSION[call]"), e.getMessage());
    assertEquals(1, byMethod.apply("alice-token").append("per-method").await(10, TimeUnit.SECONDS));
  }

  @Test
  void refusedCallsAreTriedOnceAndLeaveNoCallInFlightNorAFaultAgainstTheReplica() throws Exception {
    long endedBefore = endedAttempts();
    List<Future<Integer>> refused = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      refused.add(ledger(null).append("refused-" + i));
      refused.add(ledger("forged-token").append("refused-" + i));
      refused.add(ledger("bob-token").count("refused-" + i));
    }
    ended(Future.join(refused));

    for (Future<Integer> call : refused) {
      int code = refusal(call).failureCode();
      assertTrue(code == MeshProtocol.UNAUTHENTICATED || code == MeshProtocol.FORBIDDEN, "code " + code);
    }
    // 30 calls, 30 attempts: each was refused by one replica and not retried on the other.
    until("the balancer has accounted for every attempt", Duration.ofSeconds(5), () -> endedAttempts() - endedBefore == 30);
    assertEquals(30, endedAttempts() - endedBefore);
    for (Publication replica : replicas) {
      assertEquals(0, replica.inFlight(), "calls in flight at " + replica.replica().address());
    }
    ServiceMetrics metrics = metrics(callerMesh, "ledger");
    for (ReplicaMetrics replica : metrics.replicas()) {
      assertEquals("CLOSED", replica.breaker(), replica.address());
      assertEquals(0.0, replica.faultRate(), replica.address());
    }
    assertEquals(1, ledger("alice-token").append("after-refusals").await(10, TimeUnit.SECONDS));
  }

  @Test
  void anAuthorizationWithoutAuthenticationIsNotPublished() {
    Future<Publication> publishing = serverMesh.publish("ledger-open", Ledger.class, new TunableLedger(caller, executions, 0),
        new PublishOptions().setAuthorization(tokens, WRITE));
    ended(publishing);

    IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, publishing.cause());
    assertTrue(e.getMessage().contains("require an authorization but no authentication"), e.getMessage());
  }

  private static long endedAttempts() {
    return callerMesh.stats("ledger").values().stream().mapToLong(ReplicaStats::completed).sum();
  }

  private static Ledger ledger(String token) {
    ServiceProxyBuilder builder = new ServiceProxyBuilder(caller).setAddress("ledger")
        .setOptions(new DeliveryOptions().setSendTimeout(30_000));
    return (token == null ? builder : builder.setToken(token)).build(Ledger.class);
  }

  private static ReplyException refusal(Future<?> call) {
    ended(call);
    assertTrue(call.failed(), "the call succeeded");
    ReplyException refused = assertInstanceOf(ReplyException.class, call.cause(), "a refusal, not " + call.cause());
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, refused.failureType());
    return refused;
  }

  private static void ended(Future<?> call) {
    try {
      call.otherwiseEmpty().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call did not end in time", e);
    }
  }

  private static PermissionBasedAuthorization call(String method) {
    return PermissionBasedAuthorization.create("call").setResource(method);
  }

  /** The test ledger, failing any call that reaches it off a Vert.x event loop (a provider's thread, say). */
  private static final class OnItsEventLoop implements Ledger {
    private final Ledger ledger;

    OnItsEventLoop(Vertx vertx) {
      this.ledger = new TunableLedger(vertx, executions, 0);
    }

    @Override
    public Future<Integer> append(String entryId) {
      return onEventLoop() ? ledger.append(entryId) : offItsLoop();
    }

    @Override
    public Future<Integer> count(String entryId) {
      return onEventLoop() ? ledger.count(entryId) : offItsLoop();
    }

    private static boolean onEventLoop() {
      return Context.isOnEventLoopThread();
    }

    private static Future<Integer> offItsLoop() {
      return ServiceException.fail(500, "the service ran on " + Thread.currentThread().getName() + ", off its event loop");
    }
  }
}
