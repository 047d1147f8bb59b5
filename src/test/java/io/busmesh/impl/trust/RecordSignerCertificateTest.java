package io.busmesh.impl.trust;

import io.busmesh.test.FakeClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.busmesh.impl.trust.ClusterPki.CLUSTER;
import static io.busmesh.impl.trust.ClusterPki.STRANGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordSignerCertificateTest {

  private static final JsonObject REPLICA = new JsonObject().put("service", "payments").put("address", "busmesh.r.payments.n1.1")
      .put("weight", 3).put("latency", 1.5e6).put("name", "Zürich ☕");

  private final FakeClock clock = new FakeClock();
  private RecordSigner node1;
  private RecordSigner node2;

  @BeforeAll
  static void makeCertificates() {
    ClusterPki.make();
  }

  @BeforeEach
  void startNodes() {
    clock.setWallClock(Instant.now());
    node1 = RecordSigner.create(ClusterPki.node("node-1"), clock);
    node2 = RecordSigner.create(ClusterPki.node("node-2"), clock);
  }

  private static String refusal(RecordSigner reader, String kind, Object record) {
    return assertThrows(UntrustedRecordException.class, () -> reader.open(kind, record)).getMessage();
  }

  private static void assertRefused(RecordSigner reader, String kind, Object record, String why) {
    String message = refusal(reader, kind, record);
    assertTrue(message.startsWith("Untrusted '" + kind + "' record: ") && message.contains(why), message);
  }

  @Test
  void aSealedRecordOpensOnAnotherNodeWithItsPayloadAndTheSignersName() throws Exception {
    JsonObject envelope = node1.seal("replica", REPLICA);

    SignedRecord record = node2.open("replica", envelope);

    assertEquals(REPLICA, record.payload());
    assertEquals("node-1", record.signer());
    assertEquals("node-1", node1.identity());
    assertTrue(node1.isSigning());
  }

  @Test
  void theEnvelopeCarriesThePayloadTextTheKindTheSignatureAndTheCertificate() {
    JsonObject envelope = node1.seal("replica", REPLICA);

    assertEquals(List.of("v", "k", "p", "s", "c"), List.copyOf(envelope.fieldNames()));
    assertEquals(1, envelope.getInteger("v"));
    assertEquals("replica", envelope.getString("k"));
    assertEquals(REPLICA.encode(), envelope.getString("p"));
    assertTrue(envelope.encode().length() < 1_000, "a small record's envelope stays under 1,000 characters: " + envelope.encode().length());
  }

  @Test
  void anEnvelopeStillOpensAfterATripThroughJsonText() throws Exception {
    JsonObject payload = new JsonObject().put("at", Long.MAX_VALUE).put("ratio", 1.0).put("inFlight", new JsonObject().put("b", 2).put("a", 1));
    JsonObject envelope = node1.seal("load", payload);

    JsonObject afterTrip = new JsonObject(envelope.toBuffer());

    assertEquals(payload, node2.open("load", afterTrip).payload());
  }

  @Test
  void aPayloadAlteredAfterSigningIsRefused() {
    JsonObject envelope = node1.seal("replica", REPLICA);
    envelope.put("p", REPLICA.copy().put("weight", 1000).encode());

    assertRefused(node2, "replica", envelope, "its signature does not match: it was altered after 'node-1' signed it");
  }

  @Test
  void aRecordOfOneKindCannotPassForAnother() {
    JsonObject load = node1.seal("load", REPLICA);

    assertRefused(node2, "strategy", load, "it is a 'load' record, which cannot stand for a 'strategy' one");
    assertRefused(node2, "strategy", load.copy().put("k", "strategy"), "its signature does not match");
  }

  @Test
  void aSignatureMovedBesideAnotherNodesCertificateIsRefused() {
    JsonObject fromNode1 = node1.seal("replica", REPLICA);
    JsonObject node2Certificate = node2.seal("replica", REPLICA);

    assertRefused(node2, "replica", fromNode1.copy().put("c", node2Certificate.getString("c")),
        "its signature does not match: it was altered after 'node-2' signed it");
  }

  @Test
  void aNodeCertifiedByAnotherCaIsRefused() {
    RecordSigner intruder = RecordSigner.create(ClusterPki.options(STRANGER, "intruder.key", "intruder.crt", STRANGER, "ca.crt"), clock);

    assertRefused(node1, "replica", intruder.seal("replica", REPLICA),
        "the certificate of 'intruder' is not issued by the cluster's CA (its issuer is 'CN=busmesh development CA', a CA of the same name but another key");
  }

  @Test
  void aSelfSignedCertificateIsRefusedEvenWithAClusterNodesName() throws Exception {
    JsonObject forged = ClusterPki.forge("replica", REPLICA.encode(), CLUSTER, "rogue.key", "rogue.crt");

    assertRefused(node2, "replica", forged, "the certificate of 'node-1' is self-signed, not issued by the cluster's CA");
  }

  @Test
  void theCaItselfMayNotSignRecords() throws Exception {
    JsonObject forged = ClusterPki.forge("replica", REPLICA.encode(), CLUSTER, "ca.key", "ca.crt");

    assertRefused(node2, "replica", forged, "the certificate of 'busmesh development CA' is a CA certificate, which may not sign records");
  }

  @Test
  void aCertificateWhoseKeyUsageExcludesSigningIsRefused() throws Exception {
    JsonObject forged = ClusterPki.forge("replica", REPLICA.encode(), CLUSTER, "no-signing.key", "no-signing.crt");

    assertRefused(node2, "replica", forged, "the certificate of 'no-signing' is not valid for signing (its key usage lacks digitalSignature)");
  }

  @Test
  void aCertificateWithoutACommonNameIsRefused() throws Exception {
    JsonObject forged = ClusterPki.forge("replica", REPLICA.encode(), CLUSTER, "no-cn.key", "no-cn.crt");

    assertRefused(node2, "replica", forged, "its certificate (subject 'O=busmesh') has no CN to name its signer");
  }

  @Test
  void aRecordIsRefusedOnceItsSignersCertificateHasExpiredThoughItWasVerifiedBefore() throws Exception {
    JsonObject envelope = node1.seal("replica", REPLICA);
    node2.open("replica", envelope);

    clock.advance(Duration.ofDays(900));

    assertRefused(node2, "replica", envelope, "the certificate of 'node-1' expired on ");
  }

  @Test
  void aCertificateIsRefusedBeforeItsValidityBegins() {
    JsonObject envelope = node1.seal("replica", REPLICA);

    clock.setWallClock(Instant.now().minus(Duration.ofDays(2)));

    assertRefused(node2, "replica", envelope, "the certificate of 'node-1' is not valid before ");
  }

  @Test
  void aNodeUnderAnIntermediateCaSendsTheChainAndIsTrusted() throws Exception {
    RecordSigner deep = RecordSigner.create(ClusterPki.options(CLUSTER, "deep-node.key", "deep-node-chain.crt", CLUSTER, "ca.crt"), clock);

    JsonObject envelope = deep.seal("view", REPLICA);

    assertEquals(1, envelope.getJsonArray("i").size());
    assertEquals("deep-node", node1.open("view", envelope).signer());
    assertRefused(node1, "view", envelope.copy().put("i", new JsonArray()), "the certificate of 'deep-node' is not issued by the cluster's CA");
  }

  @Test
  void rsaAndEd25519KeysSignToo() throws Exception {
    for (String name : List.of("rsa-node", "ed-node")) {
      RecordSigner node = RecordSigner.create(ClusterPki.node(name), clock);

      SignedRecord record = node1.open("replica", node.seal("replica", REPLICA));

      assertEquals(name, record.signer());
      assertEquals(REPLICA, record.payload());
    }
  }

  @Test
  void anHmacEnvelopeIsRefusedWithAHintAboutTheSigningSetting() {
    JsonObject hmac = new HmacSigner(new byte[32], clock, 16).seal("replica", REPLICA);

    assertRefused(node1, "replica", hmac, "it is signed with a shared secret (\"signing\": \"hmac\") where this node expects"
        + " a certificate; every node needs the same 'signing'");
  }

  @Test
  void repeatedReadsOfOneRecordAreCachedAndEachReaderGetsItsOwnPayload() throws Exception {
    JsonObject envelope = node1.seal("replica", REPLICA);

    SignedRecord first = node2.open("replica", envelope);
    first.payload().put("weight", -1);
    SignedRecord second = node2.open("replica", envelope.copy());

    assertEquals(REPLICA, second.payload());
    assertEquals(1, ((EnvelopeSigner) node2).cachedRecords());
  }

  @Test
  void aCachedSignatureBesideAnotherPayloadIsStillRefused() throws Exception {
    JsonObject envelope = node1.seal("replica", REPLICA);
    node2.open("replica", envelope);

    assertRefused(node2, "replica", envelope.copy().put("p", "{}"), "its signature does not match");
  }

  @Test
  void eachSealSignsAfreshSoEcdsaSignaturesDiffer() {
    assertNotEquals(node1.seal("load", REPLICA).getString("s"), node1.seal("load", REPLICA).getString("s"));
  }

  @Test
  void severalThreadsSealAndOpenAtOnce() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(threads.submit(() -> {
          for (int i = 0; i < 100; i++) {
            JsonObject payload = new JsonObject().put("thread", thread).put("i", i);
            if (!payload.equals(node2.open("load", node1.seal("load", payload)).payload())) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void sealRefusesAKindThatIsNoNameAndAPayloadOthersWouldRefuse() {
    assertThrows(IllegalArgumentException.class, () -> node1.seal("Load\n", REPLICA));
    String tooLarge = assertThrows(IllegalArgumentException.class,
        () -> node1.seal("load", new JsonObject().put("x", "y".repeat(Envelope.MAX_PAYLOAD_CHARS)))).getMessage();
    assertTrue(tooLarge.contains("over the 65536 other nodes accept"), tooLarge);
    assertFalse(node1.seal("load", new JsonObject()).containsKey("i"));
  }
}
