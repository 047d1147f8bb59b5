package io.busmesh.test.ledger;

import io.busmesh.Idempotent;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.core.Future;

/** Records entries: appending twice makes two entries, counting them may be repeated. */
@ProxyGen
public interface Ledger {

  /** Records one entry; answers how many times this id has been recorded so far. Not idempotent. */
  Future<Integer> append(String entryId);

  /** How many times {@code entryId} has been recorded. */
  @Idempotent
  Future<Integer> count(String entryId);
}
