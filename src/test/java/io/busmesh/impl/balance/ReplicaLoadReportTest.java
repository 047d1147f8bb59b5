package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.ServiceOptions;
import io.busmesh.impl.fault.ReplicaBreaker;
import io.busmesh.impl.load.LoadSettings;
import io.busmesh.impl.load.ReplicaLoad;
import io.busmesh.impl.load.SlowStart;
import io.busmesh.impl.metrics.CallWindow;
import io.busmesh.test.FakeClock;
import io.busmesh.test.FirstReplicaStrategy;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The replica's own in-flight count, which its answers carry, reaches the caller's load figures: the
 * first answer's at once, then at most one per {@link ReplicaClient#LOAD_REPORT_INTERVAL_NANOS} of
 * attempts started (by the route's clock, here a fake one), so a busy caller decodes few answers' headers.
 * A real event bus, local; the replica is a consumer that answers with a count one higher each time.
 */
class ReplicaLoadReportTest {

  private static final String ADDRESS = MeshProtocol.REPLICA_ADDRESS_PREFIX + "svc.n1.1";

  private final Vertx vertx = Vertx.vertx();
  /** The caller's context: the call is routed there, and its answer comes back there. */
  private final Context caller = vertx.getOrCreateContext();
  private final FakeClock clock = new FakeClock();
  private final AtomicInteger reported = new AtomicInteger(6);
  private ReplicaClient client;
  private ServiceRoute route;

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void theFirstAnswersCountIsReadThenOnePerInterval() throws Exception {
    vertx.eventBus().<JsonObject>consumer(ADDRESS, call -> call.reply(1, new DeliveryOptions()
        .addHeader(MeshProtocol.SERVER_IN_FLIGHT_HEADER, String.valueOf(reported.incrementAndGet())))).completion().await();
    Replica replica = new Replica("svc", ADDRESS, "n1", 1, "", clock.currentTimeMillis(), null);
    ReplicaLoad load = new ReplicaLoad(replica, clock, new LoadSettings(Duration.ofSeconds(10).toNanos(),
        Duration.ofHours(1).toNanos(), new SlowStart(0)), new CallWindow(clock, 10_000, 0.5));
    client = new ReplicaClient(vertx.eventBus(), ReplyRelay.of(vertx.eventBus()), new PendingAttempts(clock), load,
        ReplicaBreaker.create("test", vertx, new CircuitBreakerOptions(), cause -> true, state -> { }));
    route = new ServiceRoute("svc", new ServiceOptions().setStrategy(FirstReplicaStrategy.NAME), clock, new FakeTimers(),
        null);
    route.activate();
    route.publish(new RouteSnapshot(List.of(client), List.of(client), false, Set.of()));

    call();
    assertEquals(7, client.inFlight(), "the first answer's count (7) is read");
    call();
    assertEquals(7, client.inFlight(), "an answer to a call started within the interval (8) is not read");
    clock.advance(Duration.ofNanos(ReplicaClient.LOAD_REPORT_INTERVAL_NANOS));
    call();
    assertEquals(9, client.inFlight(), "once the interval has passed, the next answer's count (9) is read");
  }

  /** One call through the route, answered by the consumer. */
  private void call() throws Exception {
    CapturedCall call = new CapturedCall("get", new JsonObject());
    CompletableFuture<Void> sent = new CompletableFuture<>();
    caller.runOnContext(v -> {
      route.route(call, call.body(), false, null);
      sent.complete(null);
    });
    sent.get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!onLoop(call::answered)) { // read on the loop that answers it
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the call was not answered within 10 s");
      }
    }
    assertEquals(1, onLoop(call::replied));
  }

  private <T> T onLoop(java.util.function.Supplier<T> read) throws Exception {
    CompletableFuture<T> value = new CompletableFuture<>();
    caller.runOnContext(v -> value.complete(read.get()));
    return value.get(10, TimeUnit.SECONDS);
  }
}
