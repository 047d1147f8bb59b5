package io.busmesh.impl.balance;

import io.vertx.circuitbreaker.CircuitBreakerState;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which of a service's replicas may take calls: those whose breaker is not open, that are not
 * ejected as outliers and whose address no stranger shares; a half-open breaker stays in, since its
 * refusals move on to another replica for free. When no replica has a closed breaker the service
 * panics, as Envoy's balancer does: breakers that all opened together more likely saw this node or
 * the network stall than every replica fail, so calls go to all replicas, refusing breakers
 * bypassed, under the retry budget, until a breaker closes again.
 *
 * @param available the replicas that may take calls; {@code registered} itself when that is all of them
 *                  or in panic, and the previous list when unchanged, so strategies keep what they cached
 * @param panicking no replica has a closed breaker
 */
record Availability<C extends AttemptTarget>(List<C> available, boolean panicking) {

  static <C extends AttemptTarget> Availability<C> of(List<C> registered, Function<C, CircuitBreakerState> breaker,
                                                      Set<String> ejected, Set<String> contested, List<C> previous) {
    List<C> usable = registered.stream().filter(c -> breaker.apply(c) != CircuitBreakerState.OPEN
        && !ejected.contains(c.replica().address()) && !contested.contains(c.replica().address())).toList();
    boolean panicking = !registered.isEmpty()
        && usable.stream().noneMatch(c -> breaker.apply(c) == CircuitBreakerState.CLOSED);
    List<C> available = usable.size() == registered.size() || panicking ? registered
        : usable.equals(previous) ? previous : usable;
    return new Availability<>(available, panicking);
  }
}
