package io.busmesh;

import io.busmesh.examples.calculator.Calculator;
import io.busmesh.examples.calculator.CalculatorImpl;
import io.busmesh.test.Await;
import io.busmesh.test.FirstReplicaStrategy;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With vertx-opentelemetry on every node, one call through the mesh is one trace: the proxy's span, the mesh's
 * span of the call, one span per attempt (retries and hedges included), and under each attempt the replica's
 * own receive span. Real clustered nodes, spans from the OpenTelemetry SDK's in-memory exporter.
 */
class MeshTracingTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  private final TestCluster cluster = new TestCluster();
  private int published;

  @AfterEach
  void stop() throws Exception {
    cluster.close();
    openTelemetry.close();
  }

  @Test
  void aCallIsOneTraceFromTheProxyThroughItsAttemptToTheReplica() throws Exception {
    Vertx server = tracedNode();
    String replica = publish(server, new CalculatorImpl(server, 0, 0.0));
    Vertx caller = tracedNode();
    join(caller, new ServiceOptions());
    Context loop = caller.getOrCreateContext();

    assertEquals(3, onLoop(loop, () -> proxy(caller, TracingPolicy.PROPAGATE).add(1, 2)));
    assertEquals(List.of(), names(spans.getFinishedSpanItems()), "spans of a call with no current span to go under");

    assertEquals(5, onLoop(loop, () -> proxy(caller, TracingPolicy.ALWAYS).add(2, 3)));
    List<SpanData> trace = awaitTrace(4);

    SpanData proxy = only(trace, "send", SpanKind.CLIENT);
    assertFalse(proxy.getParentSpanContext().isValid(), "the proxy's span is the root");
    assertEquals("calculator", attribute(proxy, "messaging.destination.name"));
    SpanData call = childOf(trace, proxy, "busmesh.call", SpanKind.SERVER);
    assertEquals("calculator", attribute(call, "busmesh.service"));
    assertEquals("add", attribute(call, "busmesh.method"));
    assertEquals("1", attribute(call, "busmesh.attempts"));
    assertEquals("success", attribute(call, "busmesh.outcome"));
    SpanData attempt = childOf(trace, call, "busmesh.attempt", SpanKind.CLIENT);
    assertEquals(replica, attribute(attempt, "busmesh.replica"));
    assertEquals("1", attribute(attempt, "busmesh.attempt"));
    assertEquals("first", attribute(attempt, "busmesh.attempt.kind"));
    assertEquals("success", attribute(attempt, "busmesh.outcome"));
    childOf(trace, attempt, "send", SpanKind.SERVER);
  }

  @Test
  void aFailoverShowsTheFailedAttemptAndTheRetryInOneTrace() throws Exception {
    Vertx slowNode = tracedNode();
    TunableCalculator slowImpl = new TunableCalculator(slowNode, 0);
    String slow = publish(slowNode, slowImpl);
    Vertx healthyNode = tracedNode();
    String healthy = publish(healthyNode, new CalculatorImpl(healthyNode, 0, 0.0));
    Vertx caller = tracedNode();
    // Every call starts on the slow replica; its attempt times out, and add may run twice, so it is retried.
    join(caller, new ServiceOptions().setStrategy(FirstReplicaStrategy.NAME, new JsonObject().put("suffix", slow))
        .setAttemptTimeoutMs(300).setIdempotentMethods(Set.of("add")));
    Context loop = caller.getOrCreateContext();
    onLoop(loop, () -> proxy(caller, TracingPolicy.PROPAGATE).add(0, 0)); // connections open, untraced
    slowImpl.setDelayMs(1_500);
    spans.reset();

    assertEquals(5, onLoop(loop, () -> proxy(caller, TracingPolicy.ALWAYS).add(2, 3)));
    // 6 spans: the slow replica's own ends when it answers, late, 1.5 s after the call
    List<SpanData> trace = awaitTrace(6);

    SpanData call = childOf(trace, only(trace, "send", SpanKind.CLIENT), "busmesh.call", SpanKind.SERVER);
    assertEquals("2", attribute(call, "busmesh.attempts"));
    assertEquals("success", attribute(call, "busmesh.outcome"));
    List<SpanData> attempts = childrenOf(trace, call, "busmesh.attempt");
    assertEquals(2, attempts.size(), names(trace).toString());
    SpanData failed = attempts.get(0);
    assertEquals(slow, attribute(failed, "busmesh.replica"));
    assertEquals("1", attribute(failed, "busmesh.attempt"));
    assertEquals("first", attribute(failed, "busmesh.attempt.kind"));
    assertEquals("outcome_unknown", attribute(failed, "busmesh.outcome"), "a timeout: it may have run");
    assertTrue(failed.getEvents().stream().anyMatch(e -> e.getName().equals("exception")), "the timeout is recorded");
    SpanData retry = attempts.get(1);
    assertEquals(healthy, attribute(retry, "busmesh.replica"));
    assertEquals("2", attribute(retry, "busmesh.attempt"));
    assertEquals("retry", attribute(retry, "busmesh.attempt.kind"));
    assertEquals("success", attribute(retry, "busmesh.outcome"));
    childOf(trace, failed, "send", SpanKind.SERVER); // it did run, slowly
    childOf(trace, retry, "send", SpanKind.SERVER);
  }

  @Test
  void aHedgedCallShowsItsBackupAttempt() throws Exception {
    Vertx slowNode = tracedNode();
    TunableCalculator slowImpl = new TunableCalculator(slowNode, 0);
    String slow = publish(slowNode, slowImpl);
    Vertx fastNode = tracedNode();
    String fast = publish(fastNode, new CalculatorImpl(fastNode, 0, 0.0));
    Vertx caller = tracedNode();
    join(caller, new ServiceOptions().setStrategy(FirstReplicaStrategy.NAME, new JsonObject().put("suffix", slow))
        .setFaultMode(FaultMode.HEDGED).setIdempotentMethods(Set.of("add")).setHedging(95, 1.0));
    Context loop = caller.getOrCreateContext();
    Calculator untraced = proxy(caller, TracingPolicy.PROPAGATE);
    for (int i = 0; i < 150; i++) { // the trigger learns the healthy latency (it needs 100 calls)
      onLoop(loop, () -> untraced.add(1, 1));
    }
    slowImpl.setDelayMs(1_000);
    spans.reset();

    assertEquals(5, onLoop(loop, () -> proxy(caller, TracingPolicy.ALWAYS).add(2, 3)));
    List<SpanData> trace = awaitTrace(6); // the slow attempt ends when its replica answers, 1 s later

    SpanData call = childOf(trace, only(trace, "send", SpanKind.CLIENT), "busmesh.call", SpanKind.SERVER);
    assertEquals("success", attribute(call, "busmesh.outcome"));
    List<SpanData> attempts = childrenOf(trace, call, "busmesh.attempt");
    assertEquals(2, attempts.size(), names(trace).toString());
    SpanData first = attempts.get(0);
    assertEquals(slow, attribute(first, "busmesh.replica"));
    assertEquals("first", attribute(first, "busmesh.attempt.kind"));
    assertEquals("superseded", attribute(first, "busmesh.outcome"), "it answered after the hedge had");
    SpanData hedge = attempts.get(1);
    assertEquals(fast, attribute(hedge, "busmesh.replica"));
    assertEquals("2", attribute(hedge, "busmesh.attempt"));
    assertEquals("hedge", attribute(hedge, "busmesh.attempt.kind"));
    assertEquals("success", attribute(hedge, "busmesh.outcome"));
    assertTrue(hedge.getStartEpochNanos() < first.getEndEpochNanos(), "the backup started while the first was under way");
    childOf(trace, first, "send", SpanKind.SERVER);
    childOf(trace, hedge, "send", SpanKind.SERVER);
  }

  @Test
  void aCallFromOutsideAnEventLoopHasItsAttemptsUnderTheBalancersReceiveSpan() throws Exception {
    Vertx server = tracedNode();
    String replica = publish(server, new CalculatorImpl(server, 0, 0.0));
    Vertx caller = tracedNode();
    join(caller, new ServiceOptions());

    // From this test's thread: the call reaches the service name's consumer on the balancer's loop, which Vert.x traces.
    assertEquals(5, proxy(caller, TracingPolicy.ALWAYS).add(2, 3).await(10, TimeUnit.SECONDS));
    List<SpanData> trace = awaitTrace(4);

    SpanData proxy = only(trace, "send", SpanKind.CLIENT);
    SpanData received = childOf(trace, proxy, "send", SpanKind.SERVER);
    SpanData attempt = childOf(trace, received, "busmesh.attempt", SpanKind.CLIENT);
    assertEquals(replica, attribute(attempt, "busmesh.replica"));
    assertEquals("success", attribute(attempt, "busmesh.outcome"));
    childOf(trace, attempt, "send", SpanKind.SERVER);
  }

  private Vertx tracedNode() throws Exception {
    return cluster.addNode(new VertxOptions(), new OpenTelemetryTracingFactory(openTelemetry));
  }

  private String publish(Vertx node, Calculator impl) throws Exception {
    published++;
    return Mesh.join(node).compose(m -> m.publish("calculator", Calculator.class, impl)).await(30, TimeUnit.SECONDS)
        .replica().address();
  }

  private void join(Vertx caller, ServiceOptions service) throws Exception {
    Mesh mesh = Mesh.join(caller, new MeshOptions().setService("calculator", service)).await(30, TimeUnit.SECONDS);
    mesh.awaitReplicas("calculator", published, 15_000).await(20, TimeUnit.SECONDS);
  }

  /** The generated proxy, with the tracing policy of its requests. */
  private static Calculator proxy(Vertx caller, TracingPolicy tracing) {
    return new ServiceProxyBuilder(caller).setAddress("calculator")
        .setOptions(new DeliveryOptions().setSendTimeout(10_000).setTracingPolicy(tracing)).build(Calculator.class);
  }

  /** Makes a call on {@code loop}, as code running on an event loop does, and waits for its answer. */
  private static <T> T onLoop(Context loop, Supplier<Future<T>> call) throws Exception {
    Promise<T> answer = Promise.promise();
    loop.runOnContext(v -> call.get().onComplete(answer));
    return answer.future().await(20, TimeUnit.SECONDS);
  }

  /** Waits until {@code count} spans have ended, checks they are one trace and no more, and returns them by start. */
  private List<SpanData> awaitTrace(int count) throws InterruptedException {
    Await.until(count + " spans end", WAIT, () -> spans.getFinishedSpanItems().size() >= count);
    List<SpanData> ended = spans.getFinishedSpanItems();
    assertEquals(count, ended.size(), names(ended).toString());
    assertEquals(1, ended.stream().map(SpanData::getTraceId).distinct().count(), "one trace: " + names(ended));
    return ended.stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
  }

  private static SpanData only(List<SpanData> trace, String name, SpanKind kind) {
    List<SpanData> found = trace.stream().filter(s -> s.getName().equals(name) && s.getKind() == kind).toList();
    assertEquals(1, found.size(), name + " " + kind + " in " + names(trace));
    return found.get(0);
  }

  /** The one span named {@code name} of {@code kind} whose parent is {@code parent}. */
  private static SpanData childOf(List<SpanData> trace, SpanData parent, String name, SpanKind kind) {
    List<SpanData> found = childrenOf(trace, parent, name).stream().filter(s -> s.getKind() == kind).toList();
    assertEquals(1, found.size(), name + " " + kind + " under " + parent.getName() + " in " + names(trace));
    assertNotEquals(parent.getSpanId(), found.get(0).getSpanId());
    return found.get(0);
  }

  /** The spans named {@code name} whose parent is {@code parent}, by start. */
  private static List<SpanData> childrenOf(List<SpanData> trace, SpanData parent, String name) {
    return trace.stream().filter(s -> s.getName().equals(name) && s.getParentSpanId().equals(parent.getSpanId()))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
  }

  private static String attribute(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  /** The spans as name/kind (id, parent), for failure messages. */
  private static List<String> names(List<SpanData> spans) {
    return spans.stream().map(s -> s.getName() + "/" + s.getKind() + "(" + s.getSpanId() + " <- " + s.getParentSpanId() + ")")
        .collect(Collectors.toList());
  }
}
