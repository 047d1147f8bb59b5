package io.busmesh.impl.fault;

import io.busmesh.MeshProtocol;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.serviceproxy.ServiceException;

/**
 * How an attempt on one replica failed, as far as the caller's node can know, and so whether the
 * call may be tried on another replica. Only failures that provably never reached the service's
 * code are retried for every method; a failure that leaves the outcome unknown is retried only for
 * idempotent methods, since the call may already have run.
 */
public enum AttemptFailure {

  /** The replica's breaker refused it (open, or half-open with its probe out): nothing was sent. */
  REFUSED_BY_BREAKER,
  /** No handler was registered at the replica's address ({@code NO_HANDLERS}): nothing ran. */
  NOT_DELIVERED,
  /** The replica refused it on arrival, before the service (it was closing): nothing ran. */
  REFUSED_BY_REPLICA,
  /** The replica refused it on arrival because its deadline had passed: nothing ran, and no time is left. */
  LATE,
  /** The replica refused it as not a service-proxy call: it would be refused anywhere. */
  MALFORMED,
  /**
   * The replica refused its caller (401: not authenticated, 403: not authorized) before the service: the
   * caller's fault, not the replica's, and the same token would be refused by its peers.
   */
  REFUSED_CALLER,
  /** It was sent and no answer came (timeout, or the replica's node left): it may or may not have run. */
  OUTCOME_UNKNOWN,
  /** The service answered with its own failure ({@code ServiceException}, or an interceptor's refusal): it ran. */
  APPLICATION_ERROR,
  /** Anything else, e.g. a body that could not be encoded: it would fail the same way anywhere. */
  OTHER;

  public static AttemptFailure of(Throwable failure) {
    if (failure instanceof OpenCircuitException) {
      return REFUSED_BY_BREAKER;
    }
    if (failure instanceof ReplicaGoneException) {
      return OUTCOME_UNKNOWN;
    }
    if (!(failure instanceof ReplyException e)) {
      return OTHER;
    }
    return switch (e.failureType()) {
      case NO_HANDLERS -> NOT_DELIVERED;
      case TIMEOUT -> OUTCOME_UNKNOWN;
      case ERROR -> OTHER;
      // A service's failures arrive as ServiceException; busmesh's own refusals are plain ReplyExceptions.
      case RECIPIENT_FAILURE -> e instanceof ServiceException ? APPLICATION_ERROR : switch (e.failureCode()) {
        case MeshProtocol.REPLICA_DRAINING -> REFUSED_BY_REPLICA;
        case MeshProtocol.DEADLINE_EXCEEDED -> LATE;
        case MeshProtocol.MALFORMED_CALL -> MALFORMED;
        case MeshProtocol.UNAUTHENTICATED, MeshProtocol.FORBIDDEN -> REFUSED_CALLER;
        default -> APPLICATION_ERROR;
      };
    };
  }

  /**
   * May the call be tried on another replica after this failure?
   *
   * @param idempotent             the method may run twice (declared {@code @Idempotent} or in conf)
   * @param retryApplicationErrors the method's own failures may be retried (conf {@code retryableMethods})
   */
  public boolean retryable(boolean idempotent, boolean retryApplicationErrors) {
    return switch (this) {
      case REFUSED_BY_BREAKER, NOT_DELIVERED, REFUSED_BY_REPLICA -> true;
      case OUTCOME_UNKNOWN -> idempotent;
      case APPLICATION_ERROR -> retryApplicationErrors;
      case LATE, MALFORMED, REFUSED_CALLER, OTHER -> false;
    };
  }

  /** The service's code provably never saw the call. */
  public boolean neverRan() {
    return switch (this) {
      case REFUSED_BY_BREAKER, NOT_DELIVERED, REFUSED_BY_REPLICA, LATE, MALFORMED, REFUSED_CALLER -> true;
      case OUTCOME_UNKNOWN, APPLICATION_ERROR, OTHER -> false;
    };
  }

  /** A fault of the path to the replica, which its circuit breaker counts: not the service's answer, not a refusal. */
  public boolean isFault() {
    return this == NOT_DELIVERED || this == OUTCOME_UNKNOWN || this == OTHER;
  }
}
