package io.busmesh.impl.balance;

import io.busmesh.FaultMode;
import io.busmesh.MeshProtocol;
import io.busmesh.ServiceOptions;
import io.busmesh.test.FakeClock;
import io.busmesh.test.FirstReplicaStrategy;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attempt logic of one call, without a cluster: fake replicas whose attempts the test answers,
 * a fake clock and hand-run timers. The strategy takes the first candidate not tried yet.
 */
class RoutedCallTest {

  private final FakeClock clock = new FakeClock();
  private final FakeTimers timers = new FakeTimers();
  private final RelayedReplies relayed = new RelayedReplies();
  private final FakeTarget a = new FakeTarget("busmesh.r.svc.n1.1");
  private final FakeTarget b = new FakeTarget("busmesh.r.svc.n2.1");
  private final FakeTarget c = new FakeTarget("busmesh.r.svc.n3.1");

  private ServiceRoute route(ServiceOptions options, FakeTarget... replicas) {
    ServiceRoute route = new ServiceRoute("svc", options.setStrategy(FirstReplicaStrategy.NAME), clock, timers, relayed);
    route.activate();
    List<FakeTarget> list = List.of(replicas);
    route.publish(new RouteSnapshot(list, list, false, Set.of()));
    return route;
  }

  private static ServiceOptions options() {
    return new ServiceOptions().setCallTimeoutMs(1_000).setAttemptTimeoutMs(300);
  }

  private static CapturedCall call(String method) {
    return new CapturedCall(method, new JsonObject().put("a", 1));
  }

  @Test
  void anAnswerGoesBackToTheCallerAsItCame() {
    ServiceRoute route = route(options(), a, b);
    CapturedCall call = call("get");

    route.route(call, call.body(), true, null);
    a.answer(0, 42);

    assertEquals(42, call.replied());
    assertEquals(0, route.inFlight());
    assertEquals(0, b.attempts.size());
  }

  @Test
  void aCallThatWasNotDeliveredFailsOverToAnotherReplicaForAnyMethod() {
    ServiceRoute route = route(options(), a, b);
    CapturedCall call = call("reserve");

    route.route(call, call.body(), true, null);
    a.fail(0, new ReplyException(ReplyFailure.NO_HANDLERS, "gone"));
    b.answer(0, "ok");

    assertEquals("ok", call.replied());
  }

  @Test
  void aBreakerRefusalCostsNeitherAnAttemptNorTheRetryBudget() {
    ServiceRoute route = route(options().setMaxAttempts(1).setRetryBudget(0, 0), a, b);
    CapturedCall call = call("reserve");

    route.route(call, call.body(), true, null);
    a.fail(0, OpenCircuitException.INSTANCE);
    b.answer(0, "ok");

    assertEquals("ok", call.replied(), "maxAttempts 1 and an empty budget still allow the one real attempt");
  }

  @Test
  void aTimeoutIsRetriedForAnIdempotentMethodOnly() {
    ServiceRoute route = route(options().setIdempotentMethods(Set.of("get")), a, b);
    CapturedCall read = call("get");
    CapturedCall write = call("reserve");

    route.route(read, read.body(), true, null);
    route.route(write, write.body(), true, null);
    a.fail(0, new ReplyException(ReplyFailure.TIMEOUT, "timed out"));
    a.fail(1, new ReplyException(ReplyFailure.TIMEOUT, "timed out"));
    b.answer(0, "read again");

    assertEquals("read again", read.replied());
    assertEquals(1, b.attempts.size(), "the write was not sent again");
    ReplyException unknown = write.failure();
    assertEquals(MeshProtocol.OUTCOME_UNKNOWN, unknown.failureCode());
    assertTrue(unknown.getMessage().contains("may or may not have run on replica " + a.address), unknown.getMessage());
  }

  @Test
  void theServicesOwnErrorGoesBackUnchangedAndIsNotRetried() {
    ServiceRoute route = route(options().setIdempotentMethods(Set.of("get")), a, b);
    CapturedCall call = call("get");

    route.route(call, call.body(), true, null);
    a.fail(0, new ServiceException(409, "out of stock", new JsonObject().put("sku", "x")));

    ServiceException error = assertInstanceOf(ServiceException.class, call.failure());
    assertEquals(409, error.failureCode());
    assertEquals("out of stock", error.getMessage());
    assertEquals("x", error.getDebugInfo().getString("sku"));
    assertEquals(0, b.attempts.size());
  }

  @Test
  void retriesStopAtMaxAttemptsAndTheErrorNamesEveryReplicaTried() {
    ServiceRoute route = route(options().setMaxAttempts(2), a, b, c);
    CapturedCall call = call("reserve");

    route.route(call, call.body(), true, null);
    a.fail(0, new ReplyException(ReplyFailure.NO_HANDLERS, "gone"));
    b.fail(0, new ReplyException(ReplyFailure.NO_HANDLERS, "gone too"));

    String message = call.failure().getMessage();
    assertTrue(message.contains("all 2 attempts allowed (maxAttempts) failed"), message);
    assertTrue(message.contains(a.address) && message.contains(b.address), message);
    assertEquals(0, c.attempts.size());
  }

  @Test
  void retriesStopWhenTheRetryBudgetIsSpent() {
    ServiceRoute route = route(options().setRetryBudget(0, 0), a, b);
    CapturedCall call = call("reserve");

    route.route(call, call.body(), true, null);
    a.fail(0, new ReplyException(ReplyFailure.NO_HANDLERS, "gone"));

    assertTrue(call.failure().getMessage().contains("no retry left in the service's retry budget"), call.failure().getMessage());
    assertEquals(0, b.attempts.size());
  }

  @Test
  void anAttemptGetsWhatIsLeftOfTheDeadlineAndNoneStartsAfterIt() {
    ServiceRoute route = route(options().setCallTimeoutMs(500).setAttemptTimeoutMs(300), a, b, c);
    CapturedCall call = call("reserve");

    route.route(call, call.body(), true, null);
    assertEquals(300, a.attempts.get(0).timeoutMs(), "the attempt timeout, within the call's 500 ms");
    clock.advance(Duration.ofMillis(300));
    a.fail(0, new ReplyException(ReplyFailure.NO_HANDLERS, "gone"));
    assertEquals(200, b.attempts.get(0).timeoutMs(), "only the 200 ms left of the call");
    clock.advance(Duration.ofMillis(200));
    b.fail(0, new ReplyException(ReplyFailure.NO_HANDLERS, "gone"));

    assertTrue(call.failure().getMessage().contains("deadline of 500 ms has passed"), call.failure().getMessage());
    assertEquals(0, c.attempts.size());
  }

  @Test
  void theReplicasSeeTheCallsDeadline() {
    ServiceRoute route = route(options(), a);
    CapturedCall call = call("get");

    route.route(call, call.body(), true, null);

    assertEquals(String.valueOf(clock.currentTimeMillis() + 1_000), call.headers().get(MeshProtocol.DEADLINE_HEADER));
  }

  @Test
  void inHedgedModeASlowAttemptGetsABackupAndTheFirstAnswerWins() {
    ServiceRoute route = route(options().setFaultMode(FaultMode.HEDGED).setHedging(90, 0.5)
        .setIdempotentMethods(Set.of("get")), a, b);
    for (int i = 0; i < 200; i++) { // the trigger learns that calls take 2 ms
      CapturedCall warm = call("get");
      route.route(warm, warm.body(), true, null);
      clock.advance(Duration.ofMillis(2));
      a.answer(a.attempts.size() - 1, i);
    }
    timers.cancelAll();
    CapturedCall call = call("get");

    route.route(call, call.body(), true, null);
    assertEquals(1, timers.delays().size(), "a backup is due");
    assertTrue(timers.delays().get(0) >= 1 && timers.delays().get(0) <= 2, "after the 90th percentile of 2 ms calls (the"
        + " histogram keeps 2 significant digits): " + timers.delays());
    timers.runAll();
    assertEquals(1, b.attempts.size(), "the backup went to the other replica");
    b.answer(0, "backup");
    a.answer(a.attempts.size() - 1, "first, too late");

    assertEquals("backup", call.replied());
    assertEquals(1, call.replies().size(), "one answer reached the caller");
    assertEquals(1, route.hedgesSent().sum());
  }

  @Test
  void aCallWithNoReplicaSaysWhatToPublish() {
    ServiceRoute route = route(options());
    CapturedCall call = call("get");

    route.route(call, call.body(), true, null);

    assertEquals(ReplyFailure.NO_HANDLERS, call.failure().failureType());
    assertTrue(call.failure().getMessage().contains("publish one with Mesh.publish(\"svc\""), call.failure().getMessage());
  }

  @Test
  void callsBeyondMaxInFlightAreRefusedAtOnce() {
    ServiceRoute route = route(options().setMaxInFlight(1), a);
    CapturedCall first = call("get");
    CapturedCall second = call("get");

    route.route(first, first.body(), true, null);
    route.route(second, second.body(), true, null);

    assertEquals(MeshProtocol.OVERLOADED, second.failure().failureCode());
    assertNull(first.failure());
    assertEquals(1, a.attempts.size());
  }

  @Test
  void aRelayedAnswerGoesOnToTheCallerAsItCameWithoutASecondReply() {
    ServiceRoute route = route(options(), a.relaying(), b);
    CapturedCall call = call("get");

    route.route(call, call.body(), true, null);

    assertTrue(a.relayed(0), "the first attempt carries the caller's reply address");
    assertTrue(FakeTarget.arrives(relayed, a.attempts.get(0).call(), 42), "the replica's answer reaches the caller");
    assertEquals(0, call.replies().size(), "the mesh sent no answer of its own");
    assertEquals(0, route.inFlight());
    assertTrue(FakeTarget.arrives(relayed, a.attempts.get(0).call(), "anything"), "later messages at that address are not held");
  }

  @Test
  void aRelayedRefusalIsKeptBackWhileTheCallGoesToAnotherReplica() {
    ServiceRoute route = route(options(), a.relaying(), b.relaying());
    CapturedCall call = call("reserve");
    route.route(call, call.body(), true, null);

    boolean delivered = FakeTarget.arrives(relayed, a.attempts.get(0).call(), new ReplyException(
        ReplyFailure.RECIPIENT_FAILURE, MeshProtocol.REPLICA_DRAINING, "closing"));

    assertFalse(delivered, "the caller does not see the refusal of a replica that never ran the call");
    assertFalse(b.relayed(0), "a second attempt is an ordinary request");
    b.answer(0, "ok");
    assertEquals("ok", call.replied());
  }

  @Test
  void aRelayedServiceErrorGoesOnToTheCallerUnchanged() {
    ServiceRoute route = route(options().setIdempotentMethods(Set.of("get")), a.relaying(), b);
    CapturedCall call = call("get");
    route.route(call, call.body(), true, null);

    assertTrue(FakeTarget.arrives(relayed, a.attempts.get(0).call(), new ServiceException(409, "out of stock")));
    assertEquals(0, call.replies().size());
    assertEquals(0, b.attempts.size());
  }

  @Test
  void aLateAnswerOfATimedOutRelayedAttemptWinsWhileTheCallIsStillOn() {
    ServiceRoute route = route(options().setIdempotentMethods(Set.of("get")), a.relaying(), b);
    CapturedCall call = call("get");
    route.route(call, call.body(), true, null);
    a.timeOut(0, new ReplyException(ReplyFailure.TIMEOUT, "timed out"));
    assertEquals(1, b.attempts.size(), "the idempotent call went on to the other replica");

    assertFalse(FakeTarget.arrives(relayed, a.attempts.get(0).call(), new ServiceException(500, "late failure")),
        "a late failure is kept back: the attempt under way decides");
    assertTrue(FakeTarget.arrives(relayed, a.attempts.get(0).call(), "late answer"), "a late answer wins");
    b.answer(0, "second answer");

    assertEquals(0, call.replies().size(), "the second answer is not sent: the caller has one");
    assertEquals(0, route.inFlight());
  }

  @Test
  void callsRoutedOffTheirCallersLoopAreNeverRelayed() {
    ServiceRoute route = route(options(), a.relaying());
    CapturedCall call = call("get");

    route.route(call, call.body(), false, null);

    assertFalse(a.relayed(0), "on the balancer's loop the answer would not pass where the call could see it");
  }

  @Test
  void aFireAndForgetCallIsSentOnceAndIsOverAtOnce() {
    ServiceRoute route = route(options(), a, b);
    CapturedCall call = CapturedCall.oneWay("log", new JsonObject());

    route.route(call, call.body(), true, null);

    assertEquals(1, a.oneWay);
    assertEquals(0, a.attempts.size());
    assertEquals(0, route.inFlight());
    assertFalse(call.answered());
  }
}
