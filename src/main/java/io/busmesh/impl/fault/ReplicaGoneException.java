package io.busmesh.impl.fault;

import io.vertx.core.VertxException;

/** The replica's node left the cluster while a call to it was in flight: its answer will never come. */
public final class ReplicaGoneException extends VertxException {

  public ReplicaGoneException(String replicaAddress, String nodeId) {
    super("node " + nodeId + " of replica " + replicaAddress + " left the cluster while the call was in flight", true);
  }
}
