package io.busmesh.impl.load;

import io.busmesh.Replica;
import io.busmesh.impl.replica.ServedReplicas;
import io.busmesh.impl.trust.ControlPlane;
import io.busmesh.test.FakeClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How a caller reads the load map (Vert.x's local async map, the same API as the cluster's): every
 * round for a node whose replicas did not report their own load lately, at most every
 * {@link LoadExchange#REUSE_NANOS} for one whose replicas did, reusing its last budget figures meanwhile.
 */
class LoadExchangeTest {

  private static final Replica REPLICA = new Replica("calculator", "busmesh.r.calculator.B.1", "B", 1, null, 0, null);

  private final FakeClock clock = new FakeClock();
  private Vertx vertx;
  private LoadExchange server;
  private LoadExchange caller;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ControlPlane controlPlane = ControlPlane.unsigned(clock);
    server = new LoadExchange(vertx, "B", controlPlane, clock);
    caller = new LoadExchange(vertx, "A", controlPlane, clock);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aNodeWhoseReplicasReportedIsReadOnlyOnceASecondAndItsBudgetReused() throws Exception {
    publish(7, 100);
    RemoteLoad first = read(Set.of("B"));
    assertEquals(7, first.inFlight(REPLICA.address()), "no earlier read to reuse: read");

    publish(9, 120);
    clock.advance(Duration.ofMillis(100));
    RemoteLoad reused = read(Set.of("B"));
    assertEquals(-1, reused.inFlight(REPLICA.address()), "in-flight left to the replica's own reports");
    assertArrayEquals(new long[] {100, 0}, reused.budget("calculator"), "the last read's budget figures");

    clock.advance(Duration.ofMillis(900));
    RemoteLoad again = read(Set.of("B"));
    assertEquals(9, again.inFlight(REPLICA.address()), "a second after the last read: read again");
    assertArrayEquals(new long[] {120, 0}, again.budget("calculator"));
  }

  @Test
  void aNodeWithoutRecentReportsIsReadEveryRound() throws Exception {
    publish(7, 100);
    read(Set.of());
    publish(9, 120);
    clock.advance(Duration.ofMillis(100));
    RemoteLoad next = read(Set.of());
    assertEquals(9, next.inFlight(REPLICA.address()));
    assertArrayEquals(new long[] {120, 0}, next.budget("calculator"));
  }

  @Test
  void aDepartedNodeIsNotReusedWhenItComesBack() throws Exception {
    publish(7, 100);
    read(Set.of("B"));
    caller.forget("B").await(10, TimeUnit.SECONDS);
    publish(3, 10);
    RemoteLoad afterReturn = read(Set.of("B"));
    assertEquals(3, afterReturn.inFlight(REPLICA.address()));
  }

  private void publish(int inFlight, long calls) throws Exception {
    server.publish(List.of(new ServedReplicas.Load(REPLICA, inFlight, calls, 0))).await(10, TimeUnit.SECONDS);
  }

  private RemoteLoad read(Set<String> reported) throws Exception {
    Future<RemoteLoad> read = caller.read(Map.of("B", List.of(REPLICA)), reported);
    return read.await(10, TimeUnit.SECONDS);
  }
}
