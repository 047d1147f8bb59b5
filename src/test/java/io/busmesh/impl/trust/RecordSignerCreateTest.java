package io.busmesh.impl.trust;

import io.busmesh.SecurityOptions;
import io.busmesh.test.FakeClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static io.busmesh.impl.trust.ClusterPki.CLUSTER;
import static io.busmesh.impl.trust.ClusterPki.STRANGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node whose key, certificate, CA or secret is wrong stops at start with a sentence naming the file and the fix. */
class RecordSignerCreateTest {

  @TempDir
  Path dir;
  private final FakeClock clock = new FakeClock().setWallClock(Instant.now());

  @BeforeAll
  static void makeCertificates() {
    ClusterPki.make();
  }

  private String refusal(SecurityOptions options) {
    return assertThrows(IllegalArgumentException.class, () -> RecordSigner.create(options, clock)).getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "expected \"" + part + "\" in: " + message);
    }
  }

  @Test
  void eachSigningSettingMakesItsSigner() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "s".repeat(32));

    assertEquals("node-1", RecordSigner.create(ClusterPki.node("node-1"), clock).identity());
    assertEquals("hmac", RecordSigner.create(new SecurityOptions().setHmacSecretPath(secret.toString()), clock).identity());
    assertEquals("", RecordSigner.create(new SecurityOptions(), clock).identity());
  }

  @Test
  void aMissingFileIsNamed() {
    String message = refusal(ClusterPki.options(CLUSTER, "node-9.key", "node-1.crt", CLUSTER, "ca.crt"));

    assertContains(message, "cannot read the file '" + ClusterPki.path(CLUSTER, "node-9.key") + "'");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() {
    String message = refusal(ClusterPki.options(CLUSTER, "node-2.key", "node-1.crt", CLUSTER, "ca.crt"));

    assertContains(message, "The private key in '" + ClusterPki.path(CLUSTER, "node-2.key") + "' does not belong to the certificate in '"
        + ClusterPki.path(CLUSTER, "node-1.crt") + "'", "bin/dev-ca.sh makes NAME.key beside NAME.crt");
  }

  @Test
  void aKeyOfAnotherTypeThanTheCertificatesIsRefused() {
    String message = refusal(ClusterPki.options(CLUSTER, "rsa-node.key", "node-1.crt", CLUSTER, "ca.crt"));

    assertContains(message, "The private key in '" + ClusterPki.path(CLUSTER, "rsa-node.key") + "' is not the EC key of the certificate in '");
  }

  @Test
  void aCertificateNotIssuedByTheCaIsRefused() {
    String message = refusal(ClusterPki.options(CLUSTER, "node-1.key", "node-1.crt", STRANGER, "ca.crt"));

    assertContains(message, "The certificate in '" + ClusterPki.path(CLUSTER, "node-1.crt") + "' cannot sign for this cluster: the"
        + " certificate of 'node-1' is not issued by the cluster's CA (its issuer is 'CN=busmesh development CA', a CA of the same"
        + " name but another key: a CA made by another bin/dev-ca.sh run?)", "Make the node a certificate with the CA in '"
        + ClusterPki.path(STRANGER, "ca.crt") + "'");
  }

  @Test
  void anExpiredCertificateIsRefused() {
    clock.advance(Duration.ofDays(900));

    assertContains(refusal(ClusterPki.node("node-1")), "cannot sign for this cluster: the certificate of 'node-1' expired on ");
  }

  @Test
  void aCaCertificateCannotBeTheNodes() {
    String message = refusal(ClusterPki.options(CLUSTER, "ca.key", "ca.crt", CLUSTER, "ca.crt"));

    assertContains(message, "is a CA certificate, which may not sign records");
  }

  @Test
  void aKeyInTheOlderEcFormatIsRefusedWithTheCommandThatConvertsIt() {
    String message = refusal(ClusterPki.options(CLUSTER, "node-1.sec1.key", "node-1.crt", CLUSTER, "ca.crt"));

    assertContains(message, "holds a key in the older EC format", "openssl pkcs8 -topk8 -nocrypt -in OLD.key -out NEW.key");
  }

  @Test
  void aFileWithoutACertificateIsRefused() {
    String message = refusal(ClusterPki.options(CLUSTER, "node-1.key", "node-1.key", CLUSTER, "ca.crt"));

    assertContains(message, "The certificate file '" + ClusterPki.path(CLUSTER, "node-1.key") + "' holds no PEM certificate");
  }

  @Test
  void aCaFileWithoutACertificateIsRefused() {
    String message = refusal(ClusterPki.options(CLUSTER, "node-1.key", "node-1.crt", CLUSTER, "ca.key"));

    assertContains(message, "The CA file '" + ClusterPki.path(CLUSTER, "ca.key") + "' holds no PEM certificate");
  }

  @Test
  void aShortSecretIsRefusedWithTheCommandThatMakesAGoodOne() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "s".repeat(31) + "\n");

    String message = refusal(new SecurityOptions().setHmacSecretPath(secret.toString()));

    assertContains(message, "The HMAC secret in '" + secret + "' is 31 bytes (without trailing line ends); at least 32 are needed",
        "head -c 48 /dev/urandom | base64 > " + secret);
  }
}
