package io.busmesh.impl.trust;

import io.busmesh.SecurityOptions;
import io.busmesh.test.FakeClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordSignerHmacTest {

  private static final String SECRET = "c2VjcmV0LXNoYXJlZC1ieS1ldmVyeS1idXNtZXNoLW5vZGUtb2YtdGhlLWNsdXN0ZXI=";
  private static final JsonObject STRATEGY = new JsonObject().put("service", "payments").put("strategy", "p2c");

  @TempDir
  Path dir;
  private final FakeClock clock = new FakeClock();

  @BeforeAll
  static void makeCertificates() {
    ClusterPki.make();
  }

  private RecordSigner withSecret(String fileName, String content) throws Exception {
    Path file = Files.writeString(dir.resolve(fileName), content, StandardCharsets.UTF_8);
    return RecordSigner.create(new SecurityOptions().setSigning(SecurityOptions.Signing.HMAC).setHmacSecretPath(file.toString()), clock);
  }

  private static void assertRefused(RecordSigner reader, String kind, Object record, String why) {
    String message = assertThrows(UntrustedRecordException.class, () -> reader.open(kind, record)).getMessage();
    assertTrue(message.startsWith("Untrusted '" + kind + "' record: ") && message.contains(why), message);
  }

  @Test
  void aSealedRecordOpensOnAnotherNodeSignedByTheSharedSecret() throws Exception {
    RecordSigner writer = withSecret("a", SECRET);
    RecordSigner reader = withSecret("b", SECRET);

    JsonObject envelope = writer.seal("strategy", STRATEGY);
    SignedRecord record = reader.open("strategy", envelope);

    assertEquals(List.of("v", "k", "p", "s"), List.copyOf(envelope.fieldNames()));
    assertEquals(STRATEGY, record.payload());
    assertEquals("hmac", record.signer());
    assertEquals("hmac", writer.identity());
    assertTrue(writer.isSigning());
  }

  @Test
  void aSecretFileEndingInALineEndHoldsTheSameSecretAsOneWithout() throws Exception {
    RecordSigner printf = withSecret("printf", SECRET);
    RecordSigner echo = withSecret("echo", SECRET + "\n");
    RecordSigner editor = withSecret("editor", SECRET + "\r\n");

    assertEquals("hmac", echo.open("view", printf.seal("view", STRATEGY)).signer());
    assertEquals("hmac", printf.open("view", editor.seal("view", STRATEGY)).signer());
  }

  @Test
  void aRecordSignedWithAnotherSecretIsRefused() throws Exception {
    RecordSigner other = withSecret("other", SECRET.replace('c', 'd'));

    assertRefused(withSecret("mine", SECRET), "strategy", other.seal("strategy", STRATEGY),
        "its signature does not match: it was altered after it was signed, or signed with another secret");
  }

  @Test
  void anAlteredPayloadOrKindIsRefused() throws Exception {
    RecordSigner node = withSecret("s", SECRET);
    JsonObject envelope = node.seal("strategy", STRATEGY);

    assertRefused(node, "strategy", envelope.copy().put("p", STRATEGY.copy().put("strategy", "random").encode()), "its signature does not match");
    assertRefused(node, "load", envelope.copy().put("k", "load"), "its signature does not match");
    assertRefused(node, "load", envelope, "it is a 'strategy' record, which cannot stand for a 'load' one");
  }

  @Test
  void aSignatureOfTheWrongLengthIsRefusedLikeAnyBadOne() throws Exception {
    RecordSigner node = withSecret("s", SECRET);
    JsonObject envelope = node.seal("strategy", STRATEGY);

    assertRefused(node, "strategy", envelope.copy().put("s", envelope.getString("s").substring(0, 8)), "its signature does not match");
    assertRefused(node, "strategy", envelope.copy().put("s", ""), "its signature does not match");
  }

  @Test
  void aCertificateEnvelopeIsRefusedWithAHintAboutTheSigningSetting() throws Exception {
    RecordSigner certified = RecordSigner.create(ClusterPki.node("node-1"), clock.setWallClock(java.time.Instant.now()));

    assertRefused(withSecret("s", SECRET), "strategy", certified.seal("strategy", STRATEGY),
        "it is signed with a certificate where this node expects the shared secret (\"signing\": \"hmac\")");
  }

  @Test
  void theSharedSecretDoesNotExpire() throws Exception {
    RecordSigner node = withSecret("s", SECRET);
    JsonObject envelope = node.seal("strategy", STRATEGY);

    clock.advance(Duration.ofDays(100_000));

    assertEquals(STRATEGY, node.open("strategy", envelope).payload());
  }

  @Test
  void aSignedPayloadThatIsNoJsonObjectIsRefused() throws Exception {
    HmacSigner node = new HmacSigner(SECRET.getBytes(StandardCharsets.US_ASCII), clock, 16);

    assertRefused(node, "view", node.sign("view", "[1, 2]").toJson(), "its payload is a JsonArray, not a JSON object");
    assertRefused(node, "view", node.sign("view", "{\"a\": ").toJson(), "its payload is not JSON (");
    assertRefused(node, "view", node.sign("view", "null").toJson(), "its payload is null, not a JSON object");
  }
}
