package io.busmesh;

import io.busmesh.examples.calculator.Calculator;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node holds at most {@code maxInFlight} calls to a service at once: the calls beyond fail at
 * once with OVERLOADED and a sentence, instead of piling up until the heap runs out, and once the
 * calls in flight end, new ones are taken again.
 */
class OverloadTest {

  private static final long SERVICE_MS = 400;

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void callsBeyondMaxInFlightFailAtOnceAndTheLimitFreesUpAsCallsEnd() throws Exception {
    Vertx server = cluster.addNode();
    Mesh.join(server).compose(m -> m.publish("calculator", Calculator.class, new TunableCalculator(server, SERVICE_MS)))
        .await(30, TimeUnit.SECONDS);
    Vertx caller = cluster.addNode();
    Mesh mesh = Mesh.join(caller, new MeshOptions().setService("calculator", new ServiceOptions().setMaxInFlight(10)))
        .await(30, TimeUnit.SECONDS);
    mesh.awaitReplicas("calculator", 1, 15_000).await(20, TimeUnit.SECONDS);
    Calculator calculator = new ServiceProxyBuilder(caller).setAddress("calculator").build(Calculator.class);

    long sentAt = System.nanoTime();
    List<Future<Integer>> calls = new ArrayList<>();
    List<Long> failedAfterMs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Future<Integer> call = calculator.add(i, 1);
      call.onFailure(e -> failedAfterMs.add((System.nanoTime() - sentAt) / 1_000_000));
      calls.add(call);
    }
    Future.join(calls).otherwiseEmpty().await(10, TimeUnit.SECONDS);

    assertEquals(10, calls.stream().filter(Future::succeeded).count(), "the first 10 calls are taken and answered");
    List<Future<Integer>> refused = calls.stream().filter(Future::failed).toList();
    assertEquals(40, refused.size());
    ReplyException e = assertInstanceOf(ReplyException.class, refused.get(0).cause());
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, e.failureType());
    assertEquals(MeshProtocol.OVERLOADED, e.failureCode());
    assertTrue(e.getMessage().startsWith("Call to service 'calculator' refused: this node already has 10 calls in flight"
        + " to it, its limit (maxInFlight 10)."), e.getMessage());
    assertTrue(failedAfterMs.stream().allMatch(ms -> ms < SERVICE_MS), "refused at once, not after the service time: "
        + failedAfterMs);

    assertEquals(8, calculator.add(7, 1).await(5, TimeUnit.SECONDS), "the limit frees up as calls end");
  }
}
