package io.busmesh.impl.balance;

import io.busmesh.strategy.Candidate;

/**
 * Where a {@link RoutedCall} sends its attempts: one replica, as this node reaches it (through its
 * circuit breaker, counted in its load). {@link ReplicaClient} in the mesh; a fake in unit tests.
 */
interface AttemptTarget extends Candidate {

  /**
   * Sends one attempt of {@code call}, answered within {@code timeoutMs}. The outcome reaches
   * {@link RoutedCall#attemptEnded} on the caller's context, at most once, possibly before this returns.
   *
   * @param panic no replica of the service has a closed breaker: send even if this one's refuses
   */
  void forward(RoutedCall call, long timeoutMs, boolean panic);

  /** Sends a fire-and-forget call, whose outcome nobody learns. */
  void sendOneWay(RoutedCall call);
}
