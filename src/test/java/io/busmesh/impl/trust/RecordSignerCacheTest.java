package io.busmesh.impl.trust;

import io.busmesh.test.FakeClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Base64;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The cache of verified envelopes holds only what verified, and never more than its bounds. */
class RecordSignerCacheTest {

  private final FakeClock clock = new FakeClock();

  @Test
  void aFloodOfDistinctForgedRecordsLeavesNothingInTheCache() {
    HmacSigner node = new HmacSigner(new byte[32], clock, 64);
    SplittableRandom random = new SplittableRandom(7);
    byte[] signature = new byte[32];

    for (int i = 0; i < 100_000; i++) {
      random.nextBytes(signature);
      JsonObject forged = new JsonObject().put("v", 1).put("k", "replica").put("p", "{\"n\":" + i + "}")
          .put("s", Base64.getEncoder().encodeToString(signature));
      assertThrows(UntrustedRecordException.class, () -> node.open("replica", forged));
    }

    assertEquals(0, node.cachedRecords());
  }

  @Test
  void genuineRecordsBeyondTheBoundEvictTheLeastRecentlyRead() throws Exception {
    HmacSigner node = new HmacSigner(new byte[32], clock, 100);

    for (int i = 0; i < 20_000; i++) {
      node.open("load", node.seal("load", new JsonObject().put("n", i)));
    }

    assertEquals(100, node.cachedRecords());
  }

  @Test
  void certificateSignedRecordsAreBoundedToo() throws Exception {
    ClusterPki.make();
    CertificateSigner node = CertificateSigner.load(ClusterPki.node("node-1"), clock.setWallClock(Instant.now()), 50);

    for (int i = 0; i < 1_000; i++) {
      node.open("load", node.seal("load", new JsonObject().put("n", i)));
    }

    assertEquals(50, node.cachedRecords());
  }

  @Test
  void theLruIsBoundedInEntriesAndInWeightAndEvictsWhatWasReadLeastRecently() {
    BoundedLru<String, String> lru = new BoundedLru<>(3, 10, String::length);
    lru.put("a", "1111");
    lru.put("b", "2222");
    lru.get("a");
    lru.put("c", "33");

    lru.put("d", "4");
    assertNull(lru.get("b"), "over 3 entries: b, read least recently, goes");
    assertEquals(7, lru.weight());

    lru.put("e", "55555");
    assertNull(lru.get("a"), "over a weight of 10: a goes");
    assertEquals(8, lru.weight());

    lru.put("f", "x".repeat(11));
    assertNull(lru.get("f"), "heavier than the whole cache: not kept");
    assertNotNull(lru.get("c"));
    assertEquals(3, lru.size());
  }
}
