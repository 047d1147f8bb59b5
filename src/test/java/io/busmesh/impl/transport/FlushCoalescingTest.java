package io.busmesh.impl.transport;

import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.examples.calculator.CalculatorImpl;
import io.busmesh.test.Await;
import io.busmesh.test.TestCluster;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flush coalescing on the event-bus connections of real clustered Vert.x nodes (Hazelcast on 127.0.0.1). */
class FlushCoalescingTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

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
  void messagesWrittenWhileTheLoopHasWorkQueuedLeaveTogetherAndALoneOneAtOnce() throws Exception {
    Vertx sender = cluster.addNode();
    Vertx receiver = cluster.addNode();
    List<Integer> received = new CopyOnWriteArrayList<>();
    receiver.eventBus().<Integer>consumer("sink", message -> {
      received.add(message.body());
      if (message.replyAddress() != null) {
        message.reply(message.body());
      }
    }).completion().await(10, TimeUnit.SECONDS);
    Context loop = sender.getOrCreateContext();
    onLoop(loop, () -> sender.eventBus().request("sink", 0).mapEmpty()); // opens the connection from this loop
    FlushCoalescing flushes = FlushCoalescing.of(sender.eventBus());
    ChannelPipeline pipeline = onlyPipeline(flushes);
    AtomicInteger flushed = new AtomicInteger();
    pipeline.addFirst("count-flushes", new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        flushed.incrementAndGet();
        ctx.flush();
      }
    });

    sendQueuedBehindABusyTask(loop, sender.eventBus(), 1, 10);
    Await.until("10 messages received", TIMEOUT, () -> received.size() == 11);
    assertEquals(10, flushed.getAndSet(0), "plain Vert.x flushes every message");

    assertEquals(1, flushes.coalesceNewConnections());
    assertEquals(0, flushes.coalesceNewConnections(), "a connection gets the handler once");
    sendQueuedBehindABusyTask(loop, sender.eventBus(), 11, 100);
    Await.until("100 more messages received", TIMEOUT, () -> received.size() == 111);

    assertEquals(1, flushed.getAndSet(0), "100 messages written by tasks queued together leave in one flush");
    assertEquals(1, onLoop(loop, () -> {
      sender.eventBus().send("sink", 111);
      return Future.succeededFuture(flushed.get());
    }), "a message with nothing queued behind it is flushed by the task that wrote it");
    Await.until("the last message received", TIMEOUT, () -> received.size() == 112);
    for (int i = 0; i < received.size(); i++) {
      assertEquals(i, received.get(i), "messages arrive in the order they were sent");
    }
  }

  @Test
  void stoppedItTakesTheHandlerOutAndPutsItNowhereAgain() throws Exception {
    Vertx sender = cluster.addNode();
    Vertx receiver = cluster.addNode();
    receiver.eventBus().consumer("sink", message -> message.reply("ok")).completion().await(10, TimeUnit.SECONDS);
    sender.eventBus().request("sink", "hello").await(10, TimeUnit.SECONDS);
    FlushCoalescing flushes = FlushCoalescing.of(sender.eventBus());
    assertEquals(1, flushes.coalesceNewConnections());
    ChannelPipeline pipeline = onlyPipeline(flushes);
    assertNotNull(pipeline.get(FlushCoalescing.HANDLER_NAME));

    flushes.stop();

    assertNull(pipeline.get(FlushCoalescing.HANDLER_NAME));
    assertEquals(0, flushes.coalesceNewConnections());
    assertNull(pipeline.get(FlushCoalescing.HANDLER_NAME));
    assertEquals("ok", sender.eventBus().request("sink", "again").await(10, TimeUnit.SECONDS).body());
  }

  @Test
  void aBusThatIsNotClusteredHasNothingToCoalesce() throws Exception {
    Vertx local = Vertx.vertx();
    try {
      FlushCoalescing flushes = FlushCoalescing.of(local.eventBus());

      assertSame(FlushCoalescing.OFF, flushes);
      assertFalse(flushes.isOn());
      assertEquals(0, flushes.coalesceNewConnections());
    } finally {
      local.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMeshCoalescesItsConnectionToAReplicaOnceItsFirstCallerWarmedIt() throws Exception {
    Vertx server = cluster.addNode();
    Mesh serverMesh = Mesh.join(server).await(30, TimeUnit.SECONDS);
    serverMesh.publish("calculator", Calculator.class, new CalculatorImpl(server, 0, 0.0)).await(30, TimeUnit.SECONDS);
    Vertx coalescing = cluster.addNode();
    Vertx plain = cluster.addNode();
    Mesh.join(coalescing).compose(mesh -> mesh.awaitReplicas("calculator", 1, 15_000)).await(30, TimeUnit.SECONDS);
    Mesh.join(plain, new MeshOptions().setCoalesceFlushes(false))
        .compose(mesh -> mesh.awaitReplicas("calculator", 1, 15_000)).await(30, TimeUnit.SECONDS);

    for (Vertx caller : List.of(coalescing, plain)) {
      Calculator calculator = new ServiceProxyBuilder(caller).setAddress("calculator").build(Calculator.class);
      Context loop = caller.getOrCreateContext();
      assertEquals(5, onLoop(loop, () -> calculator.add(2, 3)));
    }

    Await.until("the coalescing node's connections have the handler", TIMEOUT,
        () -> pipelines(coalescing).stream().allMatch(pipeline -> pipeline.get(FlushCoalescing.HANDLER_NAME) != null));
    assertFalse(pipelines(plain).isEmpty());
    for (ChannelPipeline pipeline : pipelines(plain)) {
      assertNull(pipeline.get(FlushCoalescing.HANDLER_NAME), "coalesceFlushes: false leaves Vert.x's connections as they are");
    }
  }

  /** The node's connections to other nodes; at least one. */
  private static List<ChannelPipeline> pipelines(Vertx node) {
    List<ChannelPipeline> pipelines = FlushCoalescing.of(node.eventBus()).pipelines();
    assertFalse(pipelines.isEmpty(), "the node has a connection to another node");
    return pipelines;
  }

  private static ChannelPipeline onlyPipeline(FlushCoalescing flushes) {
    assertTrue(flushes.isOn(), "this Vert.x's clustered event bus has the fields FlushCoalescing reads");
    List<ChannelPipeline> pipelines = flushes.pipelines();
    assertEquals(1, pipelines.size(), "one connection, to the other node");
    return pipelines.get(0);
  }

  /** Sends {@code count} messages, each from a task of its own, all queued while a task holds the loop. */
  private static void sendQueuedBehindABusyTask(Context loop, EventBus bus, int first, int count) throws InterruptedException {
    CountDownLatch allQueued = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    loop.runOnContext(v -> {
      holding.countDown();
      try {
        if (!allQueued.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("the sends were not queued within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(holding.await(10, TimeUnit.SECONDS), "the loop took the task that holds it");
    for (int i = first; i < first + count; i++) {
      int n = i;
      loop.runOnContext(v -> bus.send("sink", n));
    }
    allQueued.countDown();
  }

  private static <T> T onLoop(Context loop, Supplier<Future<T>> action) throws Exception {
    Promise<T> result = Promise.promise();
    loop.runOnContext(v -> action.get().onComplete(result));
    return result.future().await(20, TimeUnit.SECONDS);
  }
}
