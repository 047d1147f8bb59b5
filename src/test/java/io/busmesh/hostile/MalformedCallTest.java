package io.busmesh.hostile;

import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.Publication;
import io.busmesh.ReplicaMetrics;
import io.busmesh.ReplicaStats;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.hostile.MalformedMessages.Junk;
import io.busmesh.test.Await;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that sends thousands of malformed messages to a service name (through its own balancer)
 * and straight to replica addresses. Every message gets an error reply, fast; the replicas keep
 * serving, no in-flight count is left behind, no breaker opens, the logs stay short and unforged,
 * and the heap does not grow. {@code -Dbusmesh.fuzz.messages=10000} runs the full fuzz.
 */
class MalformedCallTest {

  private static final int MESSAGES = Integer.getInteger("busmesh.fuzz.messages", 2_800);
  private static final int OUTSTANDING = 32;
  private static final long REPLY_TIMEOUT_MS = 5_000;

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void everyMalformedMessageGetsAFastErrorAndLeavesNothingBehind() throws Exception {
    List<Publication> replicas = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Vertx node = cluster.addNode();
      replicas.add(Mesh.join(node).compose(m -> m.publish("calculator", Calculator.class, new TunableCalculator(node, 0)))
          .await(30, TimeUnit.SECONDS));
    }
    Vertx fuzzer = cluster.addNode();
    Mesh mesh = Mesh.join(fuzzer, new MeshOptions()).await(30, TimeUnit.SECONDS);
    mesh.awaitReplicas("calculator", 2, 15_000).await(20, TimeUnit.SECONDS);
    fuzzer.eventBus().registerCodec(new MalformedMessages.OpaqueCodec());
    Calculator calculator = new ServiceProxyBuilder(fuzzer).setAddress("calculator").build(Calculator.class);
    callsSucceed(calculator, 100);
    List<String> targets = List.of("calculator", replicas.get(0).replica().address(), replicas.get(1).replica().address());
    long heapBefore = usedHeapAfterGc();

    Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
    List<Long> replyMillis = new CopyOnWriteArrayList<>();
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler capture = capture(logged);
    Logger.getLogger("").addHandler(capture);
    try {
      MalformedMessages junk = new MalformedMessages(42, 700);
      Semaphore window = new Semaphore(OUTSTANDING);
      Map<String, Map<String, Integer>> counts = new ConcurrentHashMap<>();
      for (int i = 0; i < MESSAGES; i++) {
        assertTrue(window.tryAcquire(REPLY_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS), "replies stopped coming");
        Junk message = junk.next(i);
        String target = targets.get(i % targets.size());
        String where = (i % targets.size() == 0 ? "service name" : "replica") + ": " + message.kind();
        long sent = System.nanoTime();
        try {
          fuzzer.eventBus().request(target, message.body(), message.options(REPLY_TIMEOUT_MS)).onComplete(ar -> {
            replyMillis.add((System.nanoTime() - sent) / 1_000_000);
            String outcome = ar.succeeded() ? "ANSWERED" : ar.cause() instanceof ReplyException e
                ? e.failureType() + " " + e.failureCode() : ar.cause().getClass().getSimpleName();
            counts.computeIfAbsent(where, k -> new ConcurrentHashMap<>()).merge(outcome, 1, Integer::sum);
            window.release();
          });
        } catch (RuntimeException cannotEncode) {
          // Sent straight to a remote address, JSON deeper than Jackson writes never leaves the fuzzer.
          counts.computeIfAbsent(where, k -> new ConcurrentHashMap<>()).merge("NOT SENT (" + cannotEncode.getClass()
              .getSimpleName() + ")", 1, Integer::sum);
          window.release();
        }
      }
      assertTrue(window.tryAcquire(OUTSTANDING, REPLY_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS), "the last replies never came");
      counts.forEach((k, v) -> outcomes.put(k, new TreeMap<>(v)));
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
    outcomes.forEach((kind, byOutcome) -> System.out.println("fuzz: " + kind + " -> " + byOutcome));
    System.out.println("fuzz: " + MESSAGES + " messages, " + logged.size() + " log lines at WARNING or above, slowest reply "
        + replyMillis.stream().mapToLong(Long::longValue).max().orElse(0) + " ms");

    outcomes.forEach((kind, byOutcome) -> byOutcome.keySet().forEach(outcome -> assertTrue(
        kind.contains(MalformedMessages.VALID_CALL) ? outcome.equals("ANSWERED")
            : outcome.startsWith("RECIPIENT_FAILURE") || outcome.startsWith("ERROR") || outcome.startsWith("NOT SENT"),
        kind + " got " + byOutcome + ": every malformed message must get an error reply, every valid call an answer")));
    outcomes.entrySet().stream().filter(e -> e.getKey().startsWith("service name") && !e.getKey().contains(MalformedMessages.VALID_CALL)
        && !e.getKey().contains("wrong argument types") && !e.getKey().contains("large body")).forEach(e ->
        assertEquals(List.of("RECIPIENT_FAILURE 400"), List.copyOf(e.getValue().keySet()), e.getKey() + " through the mesh"));
    assertTrue(replyMillis.stream().allMatch(ms -> ms < REPLY_TIMEOUT_MS), "no message waited out its timeout");

    assertTrue(logged.size() <= 20, "a few rate-limited lines, not one per message: " + logged.size() + " lines, e.g. "
        + logged.stream().limit(5).map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
    assertTrue(logged.stream().noneMatch(r -> r.getThrown() != null), "no stack trace: "
        + logged.stream().filter(r -> r.getThrown() != null).limit(3).map(r -> r.getLoggerName() + ": " + r.getThrown()).toList());
    assertTrue(logged.stream().noneMatch(r -> String.valueOf(r.getMessage()).contains("\n" + MalformedMessages.FORGED_LINE)),
        "no text from a message reaches the log unescaped");

    callsSucceed(calculator, 200);
    Await.until("the replicas have no call left in progress", Duration.ofSeconds(10),
        () -> replicas.stream().allMatch(p -> p.inFlight() == 0));
    Await.until("the caller has no attempt left in flight", Duration.ofSeconds(10),
        () -> mesh.stats("calculator").values().stream().allMatch(s -> s.inFlight() == 0));
    List<ReplicaMetrics> seen = mesh.metrics("calculator").await(10, TimeUnit.SECONDS).replicas();
    assertEquals(List.of("CLOSED", "CLOSED"), seen.stream().map(ReplicaMetrics::breaker).toList(),
        "malformed messages are the sender's fault, not the replicas'");
    long grown = usedHeapAfterGc() - heapBefore;
    System.out.println("fuzz: heap after GC grew by " + grown / 1024 + " KB");
    assertTrue(grown < 32 * 1024 * 1024, "heap grew by " + grown / 1024 / 1024 + " MB");
  }

  private static void callsSucceed(Calculator calculator, int n) throws Exception {
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(calculator.add(i, 1));
    }
    Future.all(calls).await(30, TimeUnit.SECONDS);
    for (int i = 0; i < n; i++) {
      assertEquals(i + 1, calls.get(i).result());
    }
  }

  private static Handler capture(List<LogRecord> into) {
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          into.add(record);
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    handler.setLevel(Level.ALL);
    return handler;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100); // lets the collector finish its concurrent work before the reading
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
