package io.busmesh.impl.balance;

import io.vertx.core.eventbus.Message;

/** A call's first attempt, sent with the caller's own reply address (see {@link ReplyRelay}). */
interface RelayedAttempt {

  /** True once it ended: answered, timed out, not sent, or its replica's node left. */
  boolean hasEnded();

  /**
   * Its answer arrived: it ends, is accounted for, and the call decides.
   *
   * @return true if the answer may go on to the caller as it is
   */
  boolean answered(Message<Object> answer);
}
