package io.busmesh.impl.balance;

import io.vertx.core.eventbus.Message;
import io.vertx.core.spi.tracing.TagExtractor;

/** The tags (span attributes) of a call's spans, as {@link CallTrace} hands them to the tracer. */
final class SpanTags {

  private SpanTags() {
  }

  /** An attempt's tags: where it went and why, then how it ended. */
  static final class AttemptTags {
    static final TagExtractor<CallTrace.AttemptSpan> START = new TagExtractor<>() {
      private final String[] names = {"busmesh.replica", "busmesh.replica.node", "busmesh.attempt", "busmesh.attempt.kind"};

      @Override
      public int len(CallTrace.AttemptSpan attempt) {
        return names.length;
      }

      @Override
      public String name(CallTrace.AttemptSpan attempt, int index) {
        return names[index];
      }

      @Override
      public String value(CallTrace.AttemptSpan attempt, int index) {
        return switch (index) {
          case 0 -> attempt.replica.replica().address();
          case 1 -> attempt.replica.replica().nodeId();
          case 2 -> Integer.toString(attempt.number);
          case 3 -> attempt.kind.tag;
          default -> throw new IndexOutOfBoundsException(index);
        };
      }
    };
    static final TagExtractor<CallTrace.AttemptSpan> END = new TagExtractor<>() {
      @Override
      public int len(CallTrace.AttemptSpan attempt) {
        return 1;
      }

      @Override
      public String name(CallTrace.AttemptSpan attempt, int index) {
        return "busmesh.outcome";
      }

      @Override
      public String value(CallTrace.AttemptSpan attempt, int index) {
        return attempt.outcome;
      }
    };
  }

  /** The mesh's span of a call: which service and method, then how many attempts and how it ended. */
  static final class CallTags {
    record Start(String service, String method) {
    }

    static final TagExtractor<Start> START = new TagExtractor<>() {
      @Override
      public int len(Start call) {
        return call.method == null ? 1 : 2;
      }

      @Override
      public String name(Start call, int index) {
        return index == 0 ? "busmesh.service" : "busmesh.method";
      }

      @Override
      public String value(Start call, int index) {
        return index == 0 ? call.service : call.method;
      }
    };
    static final TagExtractor<CallTrace> END = new TagExtractor<>() {
      @Override
      public int len(CallTrace call) {
        return 2;
      }

      @Override
      public String name(CallTrace call, int index) {
        return index == 0 ? "busmesh.attempts" : "busmesh.outcome";
      }

      @Override
      public String value(CallTrace call, int index) {
        return index == 0 ? Integer.toString(call.attemptCount()) : call.outcome();
      }
    };
  }

  /** The tags Vert.x gives an event-bus request's span (its own extractor is not public). */
  static final class EventBusTags implements TagExtractor<Message<?>> {
    static final EventBusTags INSTANCE = new EventBusTags();

    @Override
    public int len(Message<?> message) {
      return 3;
    }

    @Override
    public String name(Message<?> message, int index) {
      return switch (index) {
        case 0 -> "messaging.destination.name";
        case 1 -> "messaging.system";
        case 2 -> "messaging.operation.name";
        default -> throw new IndexOutOfBoundsException(index);
      };
    }

    @Override
    public String value(Message<?> message, int index) {
      return switch (index) {
        case 0 -> message.address();
        case 1 -> "vertx-eventbus";
        case 2 -> "send";
        default -> throw new IndexOutOfBoundsException(index);
      };
    }
  }
}
