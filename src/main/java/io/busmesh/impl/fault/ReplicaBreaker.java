package io.busmesh.impl.fault;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Consumer;

/**
 * The Vert.x {@link CircuitBreaker} of one replica, used so that it costs next to nothing while
 * closed. The breaker decides everything: its state machine, the rolling window of failures, the
 * reset timeout and the single half-open probe. What changes is how calls reach it:
 * <ul>
 *   <li><b>closed</b>: an attempt is sent directly, and its outcome reported afterwards ({@link #succeeded},
 *   {@link #faulted}), instead of running every attempt through {@code execute}, which costs four
 *   promises, a lock and an extra event-loop task per call. A fault is reported as an operation that
 *   failed with the attempt's cause, so the breaker counts it exactly as if it had run the attempt;
 *   a success resets its failure count, as the breaker does after every successful operation;</li>
 *   <li><b>half-open</b>: the attempt runs through {@link #probe}, i.e. {@code execute}, so the breaker
 *   lets exactly one through and judges it;</li>
 *   <li><b>open</b>: the attempt is refused at once, as {@code execute} would.</li>
 * </ul>
 * The state is mirrored into a volatile field by the breaker's own transition handlers, so reading it
 * on every call takes no lock. Safe to use from any thread.
 */
public final class ReplicaBreaker {

  private final CircuitBreaker breaker;
  private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
  /** A fault was reported since the breaker last reset its count: the next success must reset it. */
  private volatile boolean failuresSinceReset;

  private ReplicaBreaker(CircuitBreaker breaker) {
    this.breaker = breaker;
  }

  /**
   * @param isFault  which attempt failures count against the replica (not the service's own errors)
   * @param onChange told of every transition, on the thread that made it, after the state is mirrored
   */
  public static ReplicaBreaker create(String name, Vertx vertx, CircuitBreakerOptions options,
                                      java.util.function.Predicate<Throwable> isFault,
                                      Consumer<CircuitBreakerState> onChange) {
    CircuitBreaker breaker = CircuitBreaker.create(name, vertx, options);
    ReplicaBreaker replicaBreaker = new ReplicaBreaker(breaker);
    breaker.<Object>failurePolicy(attempt -> attempt.failed() && isFault.test(attempt.cause()));
    breaker.openHandler(v -> replicaBreaker.changed(CircuitBreakerState.OPEN, onChange));
    breaker.halfOpenHandler(v -> replicaBreaker.changed(CircuitBreakerState.HALF_OPEN, onChange));
    breaker.closeHandler(v -> replicaBreaker.changed(CircuitBreakerState.CLOSED, onChange));
    return replicaBreaker;
  }

  private void changed(CircuitBreakerState next, Consumer<CircuitBreakerState> onChange) {
    state = next;
    onChange.accept(next);
  }

  public CircuitBreakerState state() {
    return state;
  }

  /** An attempt sent while closed was answered, or failed in a way that is no fault of the replica. */
  public void succeeded() {
    if (failuresSinceReset || state != CircuitBreakerState.CLOSED) {
      failuresSinceReset = false;
      breaker.reset(); // clears the count when closed; closes a half-open breaker; leaves an open one alone
    }
  }

  /** An attempt sent while closed failed with a fault of the replica: one more failure in the window. */
  public void faulted(Throwable cause) {
    failuresSinceReset = true;
    breaker.execute((Handler<Promise<Object>>) attempt -> attempt.fail(cause));
  }

  /**
   * Runs {@code attempt} as the breaker's half-open probe; fails at once with
   * {@code OpenCircuitException} if another probe is under way or the breaker has opened again.
   */
  public <T> Future<T> probe(Handler<Promise<T>> attempt) {
    return breaker.execute(attempt);
  }

  /** For tests and metrics: the Vert.x breaker itself. */
  public CircuitBreaker breaker() {
    return breaker;
  }
}
