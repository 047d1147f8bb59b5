package io.busmesh.impl.balance;

import io.busmesh.FaultMode;
import io.busmesh.ServiceOptions;
import io.busmesh.test.FakeClock;
import io.busmesh.test.FirstReplicaStrategy;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Context;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The attempt spans of one call, through Vert.x's tracing SPI with a tracer that only records (no
 * OpenTelemetry): what each attempt's span says, and that each attempt carries its own trace context.
 */
class CallTraceTest {

  /** A tracer that records the client spans it is asked for; each writes {@code trace: <its id>} into its headers. */
  private static final class RecordingTracer implements VertxTracer<Span, Span> {
    final List<Span> spans = new ArrayList<>();

    @Override
    public <R> Span sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                                BiConsumer<String, String> headers, TagExtractor<R> tags) {
      Span span = new Span(operation, spans.size(), tags.extract(request));
      spans.add(span);
      headers.accept("trace", Integer.toString(span.id));
      return span;
    }

    @Override
    public <R> void receiveResponse(Context context, R response, Span span, Throwable failure, TagExtractor<R> tags) {
      span.ended = tags.extract(response);
      span.failure = failure;
    }
  }

  private static final class Span {
    final String name;
    final int id;
    final Map<String, String> started;
    Map<String, String> ended;
    Throwable failure;

    Span(String name, int id, Map<String, String> started) {
      this.name = name;
      this.id = id;
      this.started = started;
    }
  }

  private final FakeClock clock = new FakeClock();
  private final FakeTimers timers = new FakeTimers();
  private final RecordingTracer tracer = new RecordingTracer();
  private final FakeTarget a = new FakeTarget("busmesh.r.svc.n1.1");
  private final FakeTarget b = new FakeTarget("busmesh.r.svc.n2.1");
  private final FakeTarget c = new FakeTarget("busmesh.r.svc.n3.1");

  private ServiceRoute route(ServiceOptions options, FakeTarget... replicas) {
    ServiceRoute route = new ServiceRoute("svc", options.setStrategy(FirstReplicaStrategy.NAME), clock, timers, null);
    route.activate();
    List<FakeTarget> list = List.of(replicas);
    route.publish(new RouteSnapshot(list, list, false, Set.of()));
    return route;
  }

  private void route(ServiceRoute route, CapturedCall call) {
    route.route(call, call.body(), false, CallTrace.received(tracer, null));
  }

  @Test
  void everyAttemptOfAFailoverHasASpanWithItsReplicaNumberKindAndOutcome() {
    ServiceRoute route = route(new ServiceOptions(), a, b, c);
    CapturedCall call = new CapturedCall("reserve", new JsonObject());

    route(route, call);
    a.fail(0, OpenCircuitException.INSTANCE);
    b.fail(0, new ReplyException(ReplyFailure.NO_HANDLERS, "gone"));
    c.answer(0, "ok");

    assertEquals("ok", call.replied());
    assertEquals(3, tracer.spans.size());
    assertAttempt(tracer.spans.get(0), a, "1", "first", "refused_by_breaker");
    assertAttempt(tracer.spans.get(1), b, "2", "retry", "not_delivered");
    assertAttempt(tracer.spans.get(2), c, "3", "retry", "success");
    assertSame(OpenCircuitException.INSTANCE, tracer.spans.get(0).failure);
    assertNull(tracer.spans.get(2).failure);
    assertEquals("1", b.attempts.get(0).headers().get("trace"), "each attempt carries its own span's trace context");
    assertEquals("2", c.attempts.get(0).headers().get("trace"));
    assertNull(call.headers().get("trace"), "the call's own headers are left as they were");
    assertEquals("reserve", c.attempts.get(0).headers().get("action"));
  }

  @Test
  void aHedgeIsAnAttemptOfItsOwnAndTheSlowerTwinEndsSuperseded() {
    ServiceRoute route = route(new ServiceOptions().setFaultMode(FaultMode.HEDGED).setHedging(90, 0.5)
        .setIdempotentMethods(Set.of("get")), a, b);
    for (int i = 0; i < 200; i++) { // the trigger learns that calls take 2 ms; untraced
      CapturedCall warm = new CapturedCall("get", new JsonObject());
      route.route(warm, warm.body(), false, null);
      clock.advance(Duration.ofMillis(2));
      a.answer(a.attempts.size() - 1, i);
    }
    assertEquals(0, tracer.spans.size(), "untraced calls made no span");
    timers.cancelAll();
    CapturedCall call = new CapturedCall("get", new JsonObject());

    route(route, call);
    timers.runAll(); // the first attempt is slow: the backup goes out
    b.answer(0, "backup");
    a.answer(a.attempts.size() - 1, "first, too late");

    assertEquals("backup", call.replied());
    assertEquals(2, tracer.spans.size());
    assertAttempt(tracer.spans.get(0), a, "1", "first", "superseded");
    assertAttempt(tracer.spans.get(1), b, "2", "hedge", "success");
    assertNotEquals(a.attempts.get(a.attempts.size() - 1).headers().get("trace"), b.attempts.get(0).headers().get("trace"));
  }

  private static void assertAttempt(Span span, FakeTarget replica, String number, String kind, String outcome) {
    assertEquals(CallTrace.ATTEMPT_SPAN, span.name);
    assertEquals(Map.of("busmesh.replica", replica.address, "busmesh.replica.node", replica.replica().nodeId(),
        "busmesh.attempt", number, "busmesh.attempt.kind", kind), span.started);
    assertEquals(Map.of("busmesh.outcome", outcome), span.ended);
  }
}
