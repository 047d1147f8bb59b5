package io.busmesh;

import io.vertx.core.Future;

/** A replica published by this node; close it to take it out of service without losing calls. */
public interface Publication {

  /** What the registry holds for this replica. */
  Replica replica();

  /** Calls currently executing in this replica. */
  int inFlight();

  /**
   * Takes the replica out of service: removes it from the registry and every node's view, waits
   * (at most {@link MeshOptions#getDrainTimeoutMs()}) for the calls already in it to finish, then
   * unregisters its consumer. Idempotent.
   */
  Future<Void> close();
}
