package io.busmesh.impl.fault;

import io.busmesh.MeshProtocol;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** Which failed attempts another replica may take over. */
public final class Failures {

  private Failures() {
  }

  /** A failure the service itself sent back ({@code ServiceException} and the like), as opposed to a fault on the way. */
  public static boolean isApplicationError(Throwable failure) {
    return failure instanceof ReplyException e && e.failureType() == ReplyFailure.RECIPIENT_FAILURE;
  }

  /**
   * Safe to try on another replica: the call never ran (no handler, breaker open), or whether it ran
   * cannot be known and the caller accepts at-least-once (timeout, replica gone); an application
   * error only when the method is declared retryable.
   */
  public static boolean isRetryable(Throwable failure, boolean methodRetryable) {
    if (failure instanceof OpenCircuitException || failure instanceof ReplicaGoneException) {
      return true;
    }
    if (failure instanceof ReplyException e) {
      return switch (e.failureType()) {
        case NO_HANDLERS, TIMEOUT -> true;
        case RECIPIENT_FAILURE -> methodRetryable && e.failureCode() != MeshProtocol.DEADLINE_EXCEEDED;
        default -> false;
      };
    }
    return false;
  }

}
