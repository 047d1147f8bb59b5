package io.busmesh.impl.balance;

import java.util.List;
import java.util.Set;

/**
 * What a call to one service reads of its route, in one step: built on the balancer's loop whenever
 * the view, a breaker, an ejection or a contested address changes, and swapped whole, so that calls
 * on any event loop see a consistent picture without locking (grpc-java's picker).
 *
 * @param registered the service's replicas in this node's view, by address; the same list instance until they change
 * @param available  those that may take calls (breaker not open, not ejected, not contested), the same
 *                   instance until that changes, so strategies may cache what they build from it;
 *                   all of them while {@code panicking}
 * @param panicking  no replica has a closed breaker: calls go to all of them, refusing breakers bypassed
 * @param idempotent methods that every replica in the view declares {@code @Idempotent}
 */
record RouteSnapshot(List<? extends AttemptTarget> registered, List<? extends AttemptTarget> available,
                     boolean panicking, Set<String> idempotent) {

  static final RouteSnapshot EMPTY = new RouteSnapshot(List.of(), List.of(), false, Set.of());
}
