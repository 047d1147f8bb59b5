package io.busmesh.impl.trust;

import io.busmesh.test.FakeClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever is read from the cluster, a signing node answers with a refusal that says why, never another exception. */
class RecordSignerGarbageTest {

  private static final JsonObject PAYLOAD = new JsonObject().put("service", "payments");
  private static RecordSigner certificate;
  private static RecordSigner hmac;

  @BeforeAll
  static void makeSigners() {
    ClusterPki.make();
    certificate = RecordSigner.create(ClusterPki.node("node-1"), new FakeClock().setWallClock(Instant.now()));
    hmac = new HmacSigner(new byte[32], new FakeClock(), 16);
  }

  static Stream<Arguments> garbage() {
    List<Object[]> cases = List.of(
        new Object[] {"null", null, "expected a signed envelope (a JSON object), got null"},
        new Object[] {"a number", 42, "got the number 42"},
        new Object[] {"a huge string", "{".repeat(10_000_000), "got a string of 10000000 characters"},
        new Object[] {"an array", new JsonArray().add("v").add(1), "got a JsonArray"},
        new Object[] {"a byte array", new byte[] {1, 2}, "got a byte[]"},
        new Object[] {"an empty object", new JsonObject(), "it is not signed: a plain JSON object"},
        new Object[] {"a plain payload", PAYLOAD, "it is not signed"});
    Stream<Arguments> notEnvelopes = cases.stream().flatMap(c -> Stream.of(
        Arguments.of("certificate", c[0], c[1], c[2]), Arguments.of("hmac", c[0], c[1], c[2])));
    List<Object[]> spoiled = List.of(
        spoil("another version", e -> e.put("v", 2), "its envelope format the number 2 is not understood (this node reads format 1)"),
        spoil("a version as text", e -> e.put("v", "1"), "its envelope format a string of 1 characters is not understood"),
        spoil("no version", e -> e.put("v", null), "its envelope format null is not understood"),
        spoil("no kind", e -> e.put("k", null), "its envelope has no 'k'"),
        spoil("a kind with a line break", e -> e.put("k", "replica\n"), "its kind is not a kind name"),
        spoil("a huge kind", e -> e.put("k", "k".repeat(1_000_000)), "its envelope's 'k' is 1000000 characters long, over the limit of 32"),
        spoil("no payload", e -> e.put("p", null), "its envelope has no 'p'"),
        spoil("a payload object", e -> e.put("p", PAYLOAD), "its envelope's 'p' is a JsonObject, not a string"),
        spoil("a payload number", e -> e.put("p", 5), "its envelope's 'p' is the number 5, not a string"),
        spoil("a huge payload", e -> e.put("p", "{\"a\":\"" + "x".repeat(1 << 20) + "\"}"), "its envelope's 'p' is 1048584 characters long, over the limit of 65536"),
        spoil("no signature", e -> e.put("s", null), "its envelope has no 's'"),
        spoil("a signature array", e -> e.put("s", new JsonArray()), "its envelope's 's' is a JsonArray, not a string"),
        spoil("a huge signature", e -> e.put("s", "A".repeat(5_000)), "its envelope's 's' is 5000 characters long, over the limit of 1024"),
        spoil("a signature not base64", e -> e.put("s", "%%% not base64 %%%"), "its signature is not base64"),
        spoil("a signature of random bytes", e -> e.put("s", Base64.getEncoder().encodeToString(new byte[64])), "its signature does not match"),
        spoil("a huge certificate", e -> e.put("c", "A".repeat(20_000)), "its envelope's 'c' is 20000 characters long, over the limit of 10924"),
        spoil("a certificate number", e -> e.put("c", 7), "its envelope's 'c' is the number 7, not a string"),
        spoil("a chain that is no array", e -> e.put("i", "MIIB"), "its envelope's 'i' is not an array of at most 4 certificates"),
        spoil("a chain too long", e -> e.put("i", new JsonArray(List.of("a", "b", "c", "d", "e"))), "its envelope's 'i' is not an array of at most 4"),
        spoil("a chain of numbers", e -> e.put("i", new JsonArray().add(1)), "its envelope's 'i' holds the number 1 where a certificate"));
    Stream<Arguments> spoiledEnvelopes = spoiled.stream().flatMap(c -> Stream.of(
        Arguments.of("certificate", c[0], certificate.seal("replica", PAYLOAD), c[1], c[2]),
        Arguments.of("hmac", c[0], hmac.seal("replica", PAYLOAD), c[1], c[2])))
        .map(a -> {
          Object[] values = a.get();
          @SuppressWarnings("unchecked")
          UnaryOperator<JsonObject> spoil = (UnaryOperator<JsonObject>) values[3];
          return Arguments.of(values[0], values[1], spoil.apply((JsonObject) values[2]), values[4]);
        });
    return Stream.concat(notEnvelopes, spoiledEnvelopes);
  }

  /** A genuine envelope of each mode, spoiled by spoil, must be refused saying why. */
  private static Object[] spoil(String description, UnaryOperator<JsonObject> spoil, String why) {
    return new Object[] {description, spoil, why};
  }

  @ParameterizedTest(name = "{0} mode refuses {1}")
  @MethodSource("garbage")
  void garbageIsRefusedWithAReason(String mode, String description, Object record, String why) {
    RecordSigner reader = mode.equals("certificate") ? certificate : hmac;

    String message = assertThrows(UntrustedRecordException.class, () -> reader.open("replica", record)).getMessage();

    assertTrue(message.startsWith("Untrusted 'replica' record: ") && message.contains(why), message);
  }

  @Test
  void aCertificateOfJunkIsRefusedWithAReason() {
    JsonObject envelope = certificate.seal("replica", PAYLOAD);

    for (Object[] junk : List.of(
        new Object[] {"%%%", "its certificate is not base64"},
        new Object[] {Base64.getEncoder().encodeToString(new byte[300]), "its certificate cannot be parsed"},
        new Object[] {"", "its certificate cannot be parsed"})) {
      String message = assertThrows(UntrustedRecordException.class, () -> certificate.open("replica", envelope.copy().put("c", junk[0]))).getMessage();
      assertTrue(message.contains((String) junk[1]), message);
      message = assertThrows(UntrustedRecordException.class, () -> certificate.open("replica",
          envelope.copy().put("i", new JsonArray().add(junk[0])))).getMessage();
      assertTrue(message.contains((String) junk[1]), message);
    }
  }
}
