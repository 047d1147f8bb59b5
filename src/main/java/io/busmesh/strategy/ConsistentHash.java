package io.busmesh.strategy;

import io.busmesh.ConfigReader;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Sticky routing by a key of the call (a user, a session, a cart) on a {@link HashRing}: calls with
 * the same key reach the same replica while the replica set is unchanged, and a change moves only
 * about 1/n of the keys. A pick is one hash and one binary search. The ring is made once per
 * candidate list (the balancer passes the same list instance until its view changes): from scratch
 * for the first list, then by merging the previous ring with the points of the replicas that came or
 * left ({@link HashRing#updatedFor}), so that one replica coming or going, or leaving the list while
 * its breaker is open, costs a copy of the ring rather than a sort of it.
 * <p>
 * Deliberately blind to load and warmth: skipping a busy or warming replica would break stickiness.
 * A call without a key (see {@link HashKey}) is placed at random, slow start respected.
 */
final class ConsistentHash implements Strategy {

  private final HashKey key;
  private final RandomPick keyless;
  private List<?> ringList;
  private HashRing ring;

  ConsistentHash(HashKey key, RandomGenerator random) {
    this.key = key;
    this.keyless = new RandomPick(random);
  }

  /** Reads {@code {"hashKey": "header:NAME"}} or {@code {"hashKey": "arg:NAME"}} (required). */
  static ConsistentHash fromSettings(JsonObject settings) {
    ConfigReader in = new ConfigReader("settings of strategy 'consistent-hash'", settings, "hashKey");
    return new ConsistentHash(HashKey.parse(in.string("hashKey", null)), new SplittableRandom());
  }

  @Override
  public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    String callKey = key.of(call);
    if (callKey == null) {
      return keyless.pick(candidates, call);
    }
    if (candidates != ringList) {
      ring = ring == null ? HashRing.of(candidates) : ring.updatedFor(candidates);
      ringList = candidates;
    }
    return candidates.get(ring.ownerOf(Hash64.of(callKey)));
  }
}
