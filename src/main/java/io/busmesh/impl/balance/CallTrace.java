package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.impl.fault.AttemptFailure;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.impl.OutboundDeliveryContext;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The spans of one call through the mesh, made with the tracer of the caller's Vert.x ({@link VertxTracer}, the
 * tracing SPI of vertx-core) so that whichever tracer the user configured shows them (vertx-opentelemetry,
 * vertx-zipkin) and busmesh depends on no tracing library. A call routed on its caller's loop makes this tree:
 * <pre>
 * send            CLIENT  the proxy's request, as Vert.x itself would trace it
 * └ busmesh.call  SERVER  the mesh taking it: service, method; at the end attempts and outcome
 *   ├ busmesh.attempt CLIENT  one per replica tried: replica, node, number, first/retry/hedge; outcome
 *   │ └ send      SERVER  the replica's receive (Vert.x's own), parent of what its service does
 *   └ busmesh.attempt ...
 * </pre>
 * Why busmesh makes them: Vert.x traces a request as it leaves its sender, after the outbound interceptors, and
 * the {@link CallInterceptor} takes the proxy's request before that, so without this the proxy's span would be
 * missing and every attempt would start a trace of its own. Why a SERVER span in the middle: the SPI has no
 * parent argument; a tracer takes the parent of a new span from the context it is given, and only
 * {@code receiveRequest} makes a span the current one of a context. So the mesh receives the call on a
 * duplicate of the caller's context of its own (as the consumer on the service name does for the calls that
 * reach it, whose receive span then stands in for {@code busmesh.call}), and sends its attempts from there;
 * the caller's own context is left as it was.
 * <p>
 * A traced attempt's headers are a copy of the call's with the attempt's trace context written in by the tracer
 * (a hedge and the attempt it backs up may be on the wire at once), and Vert.x's own span of the attempt's
 * message is turned off ({@link #ATTEMPT_POLICY}): this one replaces it. Made only when the caller's Vert.x has
 * a tracer; on the hot path, only for calls the tracer traces (the proxy's tracing policy, a current span to go
 * under): without a tracer a call pays a null check on each step and allocates nothing. Used on the call's
 * context, as {@link RoutedCall} is.
 */
final class CallTrace {

  /** The policy of every attempt's message: its span is busmesh's, and the trace context is in its headers already. */
  static final TracingPolicy ATTEMPT_POLICY = TracingPolicy.IGNORE;
  /**
   * Options of the mesh's own answers to a call it took: a request the interceptor took has no trace of its own, so
   * without this an answer sent while the caller's context has a current span would start a span of its own.
   */
  static final DeliveryOptions ANSWER = new DeliveryOptions().setTracingPolicy(TracingPolicy.IGNORE);
  static final String CALL_SPAN = "busmesh.call";
  static final String ATTEMPT_SPAN = "busmesh.attempt";

  /** Why an attempt was sent. */
  enum Kind {
    /** The call's first attempt. */
    FIRST,
    /** After the attempt before it failed, or its replica's breaker refused it. */
    RETRY,
    /** A backup of an attempt still under way (hedged mode). */
    HEDGE;

    final String tag = name().toLowerCase(Locale.ROOT);
  }

  private final VertxTracer<Object, Object> tracer;
  /** Where the proxy's span was made, or null when Vert.x made it (the call reached the service name's consumer). */
  private final ContextInternal caller;
  /** Holds the span the attempts' spans are children of. */
  private final ContextInternal context;
  private final Object proxySpan;
  private final Object callSpan;
  private final List<AttemptSpan> attempts = new ArrayList<>(2);
  private String outcome;

  private CallTrace(VertxTracer<Object, Object> tracer, ContextInternal caller, ContextInternal context,
                    Object proxySpan, Object callSpan) {
    this.tracer = tracer;
    this.caller = caller;
    this.context = context;
    this.proxySpan = proxySpan;
    this.callSpan = callSpan;
  }

  /**
   * A call the {@link CallInterceptor} takes on its caller's loop: makes the proxy's span as Vert.x would have
   * (parent: the caller's current span; the proxy's tracing policy) and the mesh's under it.
   *
   * @return null if the tracer does not trace this call
   */
  static CallTrace taken(VertxTracer<?, ?> vertxTracer, ContextInternal caller, DeliveryContext<Object> delivery,
                          String service) {
    VertxTracer<Object, Object> tracer = cast(vertxTracer);
    Message<Object> call = delivery.message();
    // Vert.x's DeliveryContext does not show the sender's options; its implementation does (5.0)
    TracingPolicy policy = delivery instanceof OutboundDeliveryContext<?> outbound
        && outbound.options.getTracingPolicy() != null ? outbound.options.getTracingPolicy() : TracingPolicy.PROPAGATE;
    MultiMap headers = call.headers();
    BiConsumer<String, String> traceContext = headers::set;
    Object proxySpan = tracer.sendRequest(caller, SpanKind.RPC, policy, call, "send", traceContext, SpanTags.EventBusTags.INSTANCE);
    if (proxySpan == null) {
      return null;
    }
    ContextInternal context = caller.duplicate();
    SpanTags.CallTags.Start tags = new SpanTags.CallTags.Start(service, headers.get(MeshProtocol.ACTION_HEADER));
    Object callSpan = tracer.receiveRequest(context, SpanKind.RPC, TracingPolicy.PROPAGATE, tags, CALL_SPAN, headers,
        SpanTags.CallTags.START);
    return new CallTrace(tracer, caller, context, proxySpan, callSpan);
  }

  /**
   * A call that reached the service name's consumer (see {@code RouteTable}): Vert.x traced the proxy's
   * request and its receipt, if its tracer traces the call; that receipt is the current span of {@code context},
   * and the attempts' spans go under it (or are not made, if there is none).
   */
  static CallTrace received(VertxTracer<?, ?> tracer, ContextInternal context) {
    return new CallTrace(cast(tracer), null, context, null, null);
  }

  /**
   * Starts the span of an attempt about to be sent to {@code replica}, under the call's span.
   *
   * @param callHeaders the call's headers as they are for this attempt
   * @return the headers to send it with: a copy of {@code callHeaders} carrying the attempt's trace context, or
   *         {@code callHeaders} if the tracer made no span (no parent to trace under)
   */
  MultiMap attemptStarted(AttemptTarget replica, Kind kind, MultiMap callHeaders) {
    AttemptSpan attempt = new AttemptSpan(replica, attempts.size() + 1, kind, callHeaders);
    attempt.span = tracer.sendRequest(context, SpanKind.RPC, TracingPolicy.PROPAGATE, attempt, ATTEMPT_SPAN, attempt,
        SpanTags.AttemptTags.START);
    if (attempt.span == null) {
      return callHeaders;
    }
    attempts.add(attempt);
    return attempt.headers;
  }

  /**
   * Ends the span of the attempt on {@code replica}, with its outcome.
   *
   * @param cause      why it failed, or null if it was answered
   * @param superseded the call had already ended: another attempt answered first
   */
  void attemptEnded(AttemptTarget replica, Throwable cause, boolean superseded) {
    endAttempt(replica, superseded ? "superseded" : outcome(cause), cause);
  }

  /** A fire-and-forget attempt was handed to the event bus: nothing will say more. */
  void attemptSent(AttemptTarget replica) {
    endAttempt(replica, "sent", null);
  }

  /** Ends the span of the open attempt on {@code replica}, if it has one. */
  private void endAttempt(AttemptTarget replica, String outcome, Throwable cause) {
    for (AttemptSpan attempt : attempts) {
      if (attempt.replica == replica && attempt.outcome == null) {
        attempt.outcome = outcome;
        tracer.receiveResponse(context, attempt, attempt.span, cause, SpanTags.AttemptTags.END);
        return;
      }
    }
  }

  /**
   * Ends the mesh's and the proxy's spans, if busmesh made them.
   *
   * @param failure what the caller is answered with, or null for a success (or a failsafe value)
   */
  void callEnded(Throwable failure) {
    if (callSpan == null && proxySpan == null) {
      return; // Vert.x ends its own as the answer goes back
    }
    outcome = outcome(failure);
    if (callSpan != null) {
      tracer.sendResponse(context, this, callSpan, failure, SpanTags.CallTags.END);
    }
    tracer.receiveResponse(caller, null, proxySpan, failure, TagExtractor.empty());
  }

  /** Spans are opaque to busmesh: it hands back to the tracer what the tracer gave it. */
  @SuppressWarnings("unchecked")
  private static VertxTracer<Object, Object> cast(VertxTracer<?, ?> tracer) {
    return (VertxTracer<Object, Object>) tracer;
  }

  /** Attempts that have a span. */
  int attemptCount() {
    return attempts.size();
  }

  /** How the call ended, once it has. */
  String outcome() {
    return outcome;
  }

  private static String outcome(Throwable cause) {
    return cause == null ? "success" : AttemptFailure.of(cause).name().toLowerCase(Locale.ROOT);
  }

  /** One attempt's span, what its tags are read from, and its headers, where the tracer writes its trace context. */
  static final class AttemptSpan implements BiConsumer<String, String> {
    final AttemptTarget replica;
    final int number;
    final Kind kind;
    MultiMap headers;
    private boolean copied;
    Object span;
    String outcome; // set when it ends

    AttemptSpan(AttemptTarget replica, int number, Kind kind, MultiMap callHeaders) {
      this.replica = replica;
      this.number = number;
      this.kind = kind;
      this.headers = callHeaders;
    }

    /** A header of the attempt's trace context: written into a copy of the call's headers, made on the first. */
    @Override
    public void accept(String name, String value) {
      if (!copied) {
        headers = MultiMap.caseInsensitiveMultiMap().addAll(headers);
        copied = true;
      }
      headers.set(name, value);
    }
  }
}
