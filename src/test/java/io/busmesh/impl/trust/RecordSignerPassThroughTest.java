package io.busmesh.impl.trust;

import io.busmesh.SecurityOptions;
import io.busmesh.test.FakeClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordSignerPassThroughTest {

  private static final JsonObject LOAD = new JsonObject().put("at", 1_700_000_000_000L).put("inFlight", new JsonObject().put("a", 2));
  private final RecordSigner off = RecordSigner.create(new SecurityOptions());
  private final HmacSigner signing = new HmacSigner(new byte[32], new FakeClock(), 16);

  private void assertRefused(String kind, Object record, String why) {
    String message = assertThrows(UntrustedRecordException.class, () -> off.open(kind, record)).getMessage();
    assertTrue(message.startsWith("Untrusted '" + kind + "' record: ") && message.contains(why), message);
  }

  @Test
  void withSigningOffRecordsGoOutAndComeInAsTheyAre() throws Exception {
    assertSame(LOAD, off.seal("load", LOAD));
    SignedRecord record = off.open("load", LOAD);

    assertSame(LOAD, record.payload());
    assertEquals("", record.signer());
    assertEquals("", off.identity());
    assertFalse(off.isSigning());
  }

  @Test
  void anEnvelopeFromANodeThatAlreadySignsIsUnwrappedWithoutVerifying() throws Exception {
    JsonObject envelope = signing.seal("load", LOAD);

    assertEquals(new SignedRecord(LOAD, ""), off.open("load", envelope));
    assertEquals("", off.open("load", envelope.copy().put("s", "not checked")).signer());
  }

  @Test
  void anEnvelopeIsStillCheckedForItsKindAndSize() {
    JsonObject envelope = signing.seal("load", LOAD);

    assertRefused("strategy", envelope, "it is a 'load' record, which cannot stand for a 'strategy' one");
    assertRefused("load", envelope.copy().put("p", "x".repeat(70_000)), "its envelope's 'p' is 70000 characters long, over the limit of 65536");
    assertRefused("load", envelope.copy().put("p", "[[[["), "its payload is not JSON");
  }

  @Test
  void aDeeplyNestedPayloadIsRefusedNotAStackOverflow() {
    JsonObject envelope = signing.seal("load", LOAD).put("p", "{\"a\":" + "[".repeat(32_000) + "]".repeat(32_000) + "}");

    assertRefused("load", envelope, "its payload is not JSON");
  }

  @Test
  void anythingButAJsonObjectIsRefused() {
    assertRefused("load", null, "expected a JSON object, got null");
    assertRefused("load", 42, "expected a JSON object, got the number 42");
    assertRefused("load", "{}", "expected a JSON object, got a string of 2 characters");
    assertRefused("load", new JsonArray().add(1), "expected a JSON object, got a JsonArray");
  }
}
