package io.busmesh.impl.fault;

import io.busmesh.MeshProtocol;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;

import static io.busmesh.impl.fault.AttemptFailure.APPLICATION_ERROR;
import static io.busmesh.impl.fault.AttemptFailure.LATE;
import static io.busmesh.impl.fault.AttemptFailure.MALFORMED;
import static io.busmesh.impl.fault.AttemptFailure.NOT_DELIVERED;
import static io.busmesh.impl.fault.AttemptFailure.OTHER;
import static io.busmesh.impl.fault.AttemptFailure.OUTCOME_UNKNOWN;
import static io.busmesh.impl.fault.AttemptFailure.REFUSED_BY_BREAKER;
import static io.busmesh.impl.fault.AttemptFailure.REFUSED_BY_REPLICA;
import static io.busmesh.impl.fault.AttemptFailure.REFUSED_CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttemptFailureTest {

  @Test
  void eachFailureIsClassifiedByWhatTheCallerCanKnowOfIt() {
    assertEquals(REFUSED_BY_BREAKER, AttemptFailure.of(OpenCircuitException.INSTANCE));
    assertEquals(NOT_DELIVERED, AttemptFailure.of(new ReplyException(ReplyFailure.NO_HANDLERS, "no handlers")));
    assertEquals(OUTCOME_UNKNOWN, AttemptFailure.of(new ReplyException(ReplyFailure.TIMEOUT, "timed out")));
    assertEquals(OUTCOME_UNKNOWN, AttemptFailure.of(new ReplicaGoneException("busmesh.r.s.n.1", "n")));
    assertEquals(REFUSED_BY_REPLICA, AttemptFailure.of(refusal(MeshProtocol.REPLICA_DRAINING)));
    assertEquals(LATE, AttemptFailure.of(refusal(MeshProtocol.DEADLINE_EXCEEDED)));
    assertEquals(MALFORMED, AttemptFailure.of(refusal(MeshProtocol.MALFORMED_CALL)));
    assertEquals(REFUSED_CALLER, AttemptFailure.of(refusal(MeshProtocol.UNAUTHENTICATED)));
    assertEquals(REFUSED_CALLER, AttemptFailure.of(refusal(MeshProtocol.FORBIDDEN)));
    assertEquals(APPLICATION_ERROR, AttemptFailure.of(refusal(418)), "any other code at the replica is the service's answer");
    assertEquals(OTHER, AttemptFailure.of(new ReplyException(ReplyFailure.ERROR, "no codec")));
    assertEquals(OTHER, AttemptFailure.of(new IllegalStateException()));
  }

  @Test
  void aServicesOwnFailureIsAnApplicationErrorWhateverItsCode() {
    for (int code : new int[] {MeshProtocol.REPLICA_DRAINING, MeshProtocol.DEADLINE_EXCEEDED, MeshProtocol.MALFORMED_CALL,
        MeshProtocol.UNAUTHENTICATED, MeshProtocol.FORBIDDEN, 409}) {
      assertEquals(APPLICATION_ERROR, AttemptFailure.of(new ServiceException(code, "the service's own")), "code " + code);
    }
  }

  @Test
  void onlyWhatNeverRanIsRetriedForEveryMethod() {
    for (AttemptFailure neverRan : new AttemptFailure[] {REFUSED_BY_BREAKER, NOT_DELIVERED, REFUSED_BY_REPLICA}) {
      assertTrue(neverRan.retryable(false, false), neverRan.name());
    }
    assertFalse(OUTCOME_UNKNOWN.retryable(false, false), "may have run: not for a method that is not idempotent");
    assertTrue(OUTCOME_UNKNOWN.retryable(true, false), "an idempotent method may run twice");
    assertFalse(APPLICATION_ERROR.retryable(true, false), "it ran and answered");
    assertTrue(APPLICATION_ERROR.retryable(false, true), "unless its own failures are declared retryable");
    for (AttemptFailure pointless : new AttemptFailure[] {LATE, MALFORMED, REFUSED_CALLER, OTHER}) {
      assertFalse(pointless.retryable(true, true), pointless.name());
    }
  }

  @Test
  void whatTheReplicaRefusedOrNeverReceivedNeverRan() {
    for (AttemptFailure failure : AttemptFailure.values()) {
      boolean expected = failure != OUTCOME_UNKNOWN && failure != APPLICATION_ERROR && failure != OTHER;
      assertEquals(expected, failure.neverRan(), failure.name());
    }
  }

  @Test
  void onlyFaultsOfThePathCountAgainstABreaker() {
    assertTrue(NOT_DELIVERED.isFault() && OUTCOME_UNKNOWN.isFault() && OTHER.isFault());
    assertFalse(APPLICATION_ERROR.isFault() || REFUSED_BY_REPLICA.isFault() || REFUSED_BY_BREAKER.isFault()
        || LATE.isFault() || MALFORMED.isFault() || REFUSED_CALLER.isFault());
  }

  private static ReplyException refusal(int code) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, "refused");
  }
}
