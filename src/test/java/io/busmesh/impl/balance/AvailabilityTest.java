package io.busmesh.impl.balance;

import io.vertx.circuitbreaker.CircuitBreakerState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.vertx.circuitbreaker.CircuitBreakerState.CLOSED;
import static io.vertx.circuitbreaker.CircuitBreakerState.HALF_OPEN;
import static io.vertx.circuitbreaker.CircuitBreakerState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AvailabilityTest {

  private final FakeTarget a = new FakeTarget("busmesh.r.svc.n1.1");
  private final FakeTarget b = new FakeTarget("busmesh.r.svc.n2.1");
  private final FakeTarget c = new FakeTarget("busmesh.r.svc.n3.1");
  private final List<FakeTarget> all = List.of(a, b, c);
  private final Map<FakeTarget, CircuitBreakerState> breakers = new HashMap<>(Map.of(a, CLOSED, b, CLOSED, c, CLOSED));

  private Availability<FakeTarget> availability(Set<String> ejected, Set<String> contested, List<FakeTarget> previous) {
    return Availability.of(all, breakers::get, ejected, contested, previous);
  }

  @Test
  void allHealthyReplicasAreTheRegisteredListItself() {
    Availability<FakeTarget> healthy = availability(Set.of(), Set.of(), null);

    assertSame(all, healthy.available(), "the same instance, so strategies keep what they built from it");
    assertFalse(healthy.panicking());
  }

  @Test
  void anOpenBreakerAnEjectionAndAStrangersConsumerEachTakeAReplicaOut() {
    breakers.put(a, OPEN);

    assertEquals(List.of(b, c), availability(Set.of(), Set.of(), null).available());
    breakers.put(a, CLOSED);
    assertEquals(List.of(a, c), availability(Set.of(b.address), Set.of(), null).available());
    assertEquals(List.of(a, b), availability(Set.of(), Set.of(c.address), null).available());
  }

  @Test
  void aHalfOpenBreakerStaysInSinceItsRefusalsMoveOnForFree() {
    breakers.put(a, HALF_OPEN);

    assertSame(all, availability(Set.of(), Set.of(), null).available());
  }

  @Test
  void withNoClosedBreakerTheServicePanicsAndUsesEveryReplica() {
    breakers.put(a, OPEN);
    breakers.put(b, OPEN);
    breakers.put(c, HALF_OPEN);

    Availability<FakeTarget> panic = availability(Set.of(), Set.of(), null);

    assertTrue(panic.panicking());
    assertSame(all, panic.available());
  }

  @Test
  void anUnchangedSelectionKeepsThePreviousListInstance() {
    breakers.put(a, OPEN);
    List<FakeTarget> before = availability(Set.of(), Set.of(), null).available();

    assertSame(before, availability(Set.of(), Set.of(), before).available());
  }

  @Test
  void aServiceWithoutReplicasDoesNotPanic() {
    Availability<FakeTarget> none = Availability.of(List.<FakeTarget>of(), breakers::get, Set.of(), Set.of(), null);

    assertFalse(none.panicking());
    assertTrue(none.available().isEmpty());
  }
}
