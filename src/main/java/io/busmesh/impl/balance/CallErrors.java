package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.impl.fault.ReplicaGoneException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.serviceproxy.ServiceException;

import java.util.List;

/** The errors a {@link RoutedCall} ends with: what happened, to which replicas, and what to do. */
final class CallErrors {

  private CallErrors() {
  }

  /**
   * The error of a call that reached a replica and lost its answer, of a method not declared
   * idempotent: running it again elsewhere could run it twice, so the caller must decide.
   *
   * @param failures every attempt's failure, the last one included, as {@link #describe} words them
   */
  static ReplyException outcomeUnknown(String service, String method, String replicaAddress, Throwable cause,
                                       List<String> failures) {
    String why = cause instanceof ReplicaGoneException ? "its node left the cluster while the call was in flight"
        : "no answer came (" + describe(cause) + ")";
    String earlier = failures.size() > 1 ? " Earlier attempts: " + String.join(", ", failures.subList(0, failures.size() - 1)) + "." : "";
    return new ReplyException(ReplyFailure.TIMEOUT, MeshProtocol.OUTCOME_UNKNOWN, "Call to service '" + service
        + "' (method '" + method + "') may or may not have run on replica " + replicaAddress + ": " + why
        + ". It was not run again on another replica because '" + method + "' is not declared idempotent: if running it"
        + " twice is safe, mark it @Idempotent in the service interface or list it in the service's idempotentMethods;"
        + " otherwise check whether it took effect before calling again." + earlier);
  }

  /**
   * One error for a call that failed on several replicas, naming each and why. It keeps the type of
   * the last failure, and when that was the service's own error, its class, code and debug info, so
   * code that checks them still works.
   *
   * @param failures every attempt's failure, or null if none was sent
   * @param last     the last failure, or null when the call never ran anywhere (then {@code NO_HANDLERS})
   */
  static ReplyException summary(String service, List<String> failures, String why, Throwable last) {
    String message = "Call to service '" + service + "' failed: " + why
        + (failures == null ? "" : "; tried " + String.join(", ", failures));
    if (last instanceof ServiceException e) {
      return new ServiceException(e.failureCode(), message, e.getDebugInfo());
    }
    if (last instanceof ReplyException e) {
      return new ReplyException(e.failureType(), e.failureCode(), message);
    }
    return new ReplyException(last == null ? ReplyFailure.NO_HANDLERS : ReplyFailure.RECIPIENT_FAILURE, -1, message);
  }

  /** One attempt's failure in a few words: its type, code and message. */
  static String describe(Throwable cause) {
    if (cause instanceof ReplyException e) {
      return e.failureType() + (e.failureType() == ReplyFailure.RECIPIENT_FAILURE ? " " + e.failureCode() : "") + ": " + e.getMessage();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
