package io.busmesh;

import io.busmesh.test.TestCertificates;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EventBusTls#configure}: the options it sets, and the sentences it refuses bad PEM files with. */
class EventBusTlsTest {

  private static TestCertificates clusterCa;
  private static TestCertificates otherCa;

  @BeforeAll
  static void makeCertificates() throws Exception {
    clusterCa = TestCertificates.make("unit", "node-1", "node-2");
    otherCa = TestCertificates.make("unit-other", "stranger");
  }

  @Test
  void certificatesTurnOnMutualTlsTrustingOnlyTheCa() {
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setClusterNodeMetadata(new JsonObject().put("zone", "eu-1"));

    EventBusTls.configure(options, clusterCa.security("node-1"));

    EventBusOptions eventBus = options.getEventBusOptions();
    assertTrue(eventBus.isSsl());
    assertEquals(ClientAuth.REQUIRED, eventBus.getClientAuth());
    assertFalse(eventBus.isTrustAll());
    PemKeyCertOptions keyCert = assertInstanceOf(PemKeyCertOptions.class, eventBus.getKeyCertOptions());
    assertEquals(List.of(clusterCa.key("node-1").toString()), keyCert.getKeyPaths());
    assertEquals(List.of(clusterCa.certificate("node-1").toString()), keyCert.getCertPaths());
    assertEquals(List.of(clusterCa.ca().toString()), assertInstanceOf(PemTrustOptions.class, eventBus.getTrustOptions()).getCertPaths());
    assertEquals(new JsonObject().put("zone", "eu-1").put(EventBusTls.METADATA_KEY, true), eventBus.getClusterNodeMetadata());
  }

  @Test
  void withoutCertificatesOrWithEventBusTlsOffTheOptionsStayPlain() {
    VertxOptions none = EventBusTls.configure(new VertxOptions(), new SecurityOptions());
    VertxOptions off = EventBusTls.configure(new VertxOptions(), clusterCa.security("node-1").setEventBusTls(false));

    assertFalse(none.getEventBusOptions().isSsl());
    assertFalse(off.getEventBusOptions().isSsl());
    assertEquals(null, off.getEventBusOptions().getClusterNodeMetadata());
  }

  @Test
  void aKeyThatIsNotPemIsRefusedNamingTheFile() throws Exception {
    Path damaged = Files.writeString(clusterCa.dir().resolve("damaged.key"), "not a key\n");

    String message = refusal(clusterCa.security("node-1").setCertificates(damaged.toString(),
        clusterCa.certificate("node-1").toString(), clusterCa.ca().toString()));

    assertTrue(message.startsWith("Invalid mesh options 'security': 'keyPath' file '" + damaged + "' holds no PKCS#8 private key"
        + " (-----BEGIN PRIVATE KEY-----): give exactly one unencrypted PKCS#8 key, as bin/dev-ca.sh makes."), message);
  }

  @Test
  void anOlderFormOfKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
    String pkcs8 = Files.readString(clusterCa.key("node-1"));
    Path sec1 = Files.writeString(clusterCa.dir().resolve("sec1.key"), pkcs8.replace("PRIVATE KEY", "EC PRIVATE KEY"));

    String message = refusal(clusterCa.security("node-1").setCertificates(sec1.toString(),
        clusterCa.certificate("node-1").toString(), clusterCa.ca().toString()));

    assertTrue(message.contains("'" + sec1 + "'") && message.contains("openssl pkcs8 -topk8 -nocrypt"), message);
  }

  @Test
  void aCertificateFileWithoutACertificateIsRefused() throws Exception {
    Path empty = Files.writeString(clusterCa.dir().resolve("empty.crt"), "");

    String message = refusal(clusterCa.security("node-1").setCertificates(clusterCa.key("node-1").toString(),
        empty.toString(), clusterCa.ca().toString()));

    assertTrue(message.contains("'certPath' file '" + empty + "' holds no -----BEGIN CERTIFICATE----- block"), message);
  }

  @Test
  void anotherNodesKeyIsRefused() {
    String message = refusal(clusterCa.security("node-1").setCertificates(clusterCa.key("node-2").toString(),
        clusterCa.certificate("node-1").toString(), clusterCa.ca().toString()));

    assertTrue(message.contains("the key in 'keyPath' file '" + clusterCa.key("node-2") + "' is not the key of the certificate"
        + " in 'certPath' file '" + clusterCa.certificate("node-1") + "' (CN=node-1)"), message);
  }

  @Test
  void aCertificateOfAnotherCaIsRefused() {
    String message = refusal(otherCa.security("stranger").setCertificates(otherCa.key("stranger").toString(),
        otherCa.certificate("stranger").toString(), clusterCa.ca().toString()));

    assertTrue(message.contains("the certificate in 'certPath' file '" + otherCa.certificate("stranger") + "' (CN=stranger,"
        + " issued by CN=busmesh development CA) does not pass as issued by the CA in 'caPath' file '" + clusterCa.ca() + "'"), message);
    assertTrue(message.contains("Issue the node's certificate from the cluster's CA"), message);
  }

  private static String refusal(SecurityOptions security) {
    VertxOptions options = new VertxOptions();
    String message = assertThrows(IllegalArgumentException.class, () -> EventBusTls.configure(options, security)).getMessage();
    assertFalse(options.getEventBusOptions().isSsl(), "refused options are left alone");
    return message;
  }
}
