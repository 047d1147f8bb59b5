package io.busmesh.process;

import io.busmesh.EventBusTls;
import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.test.LauncherProcess;
import io.busmesh.test.TestCertificates;
import io.busmesh.test.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher turns on event-bus TLS from {@code mesh.security} in {@code -conf}, or refuses to start saying why. */
class EventBusTlsLauncherIT {

  private static final String REPLICA = "io.busmesh.examples.calculator.CalculatorVerticle";

  private final List<LauncherProcess> processes = new ArrayList<>();
  private TestCluster cluster;

  @AfterEach
  void stopEverything() throws Exception {
    for (LauncherProcess p : processes) {
      p.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aReplicaStartedWithSecurityInItsConfServesOnlyCertifiedCallers() throws Exception {
    TestCertificates ca = TestCertificates.make("launcher", "replica", "caller");
    String clusterName = TestCluster.uniqueName();
    LauncherProcess replica = started(LauncherProcess.start("tls-replica", clusterName, REPLICA,
        new JsonObject().put("mesh", new JsonObject().put("security", ca.securityJson("replica")))));
    replica.awaitOutput("is serving", Duration.ofSeconds(60));
    assertTrue(replica.output().contains("Event bus: mutual TLS with " + ca.certificate("replica")), replica.output());

    cluster = new TestCluster(clusterName);
    Vertx certified = cluster.addNode(EventBusTls.configure(new VertxOptions(), ca.security("caller")));
    Mesh mesh = Mesh.join(certified, new MeshOptions().setSecurity(ca.security("caller"))).await(30, TimeUnit.SECONDS);
    String replicaAddress = mesh.awaitReplicas("calculator", 1, 30_000).await(40, TimeUnit.SECONDS).get(0).address();
    Calculator calculator = new ServiceProxyBuilder(certified).setAddress("calculator").build(Calculator.class);
    assertEquals(5, calculator.add(2, 3).await(10, TimeUnit.SECONDS));

    // Were the replica's event bus plain, this node's call would be answered.
    Vertx plain = cluster.addNode();
    Future<Integer> refused = new ServiceProxyBuilder(plain).setAddress(replicaAddress)
        .setOptions(new DeliveryOptions().setSendTimeout(1_500)).build(Calculator.class).add(2, 3);
    refused.otherwiseEmpty().await(10, TimeUnit.SECONDS);
    assertTrue(refused.failed(), "a node without TLS was answered");
    assertEquals(ReplyFailure.TIMEOUT, assertInstanceOf(ReplyException.class, refused.cause()).failureType());
  }

  @Test
  void aKeyFileThatIsNotPemStopsTheLauncherWithOneSentence() throws Exception {
    TestCertificates ca = TestCertificates.make("launcher-bad", "replica");
    Path damaged = Files.writeString(ca.dir().resolve("damaged.key"), "-----BEGIN CERTIFICATE-----\nnot a key\n");
    JsonObject security = ca.securityJson("replica").put("keyPath", damaged.toString());

    String output = refusedToStart(new JsonObject().put("mesh", new JsonObject().put("security", security)));

    assertTrue(output.contains("busmesh: cannot start: Invalid mesh options 'security': 'keyPath' file '" + damaged
        + "' holds no PKCS#8 private key"), output);
  }

  @Test
  void aMissingCertificateFileStopsTheLauncherWithOneSentence() throws Exception {
    TestCertificates ca = TestCertificates.make("launcher-missing", "replica");
    JsonObject security = ca.securityJson("replica").put("certPath", "certs/nowhere.crt");

    String output = refusedToStart(new JsonObject().put("mesh", new JsonObject().put("security", security)));

    assertTrue(output.contains("busmesh: cannot start: Invalid mesh options 'security': cannot read the file 'certs/nowhere.crt'"),
        output);
  }

  /** Runs a replica with {@code conf}, expects it to exit with the usage code, and returns its output. */
  private String refusedToStart(JsonObject conf) throws Exception {
    LauncherProcess replica = started(LauncherProcess.start("tls-refused", TestCluster.uniqueName(), REPLICA, conf));
    int exitCode = replica.awaitExit(Duration.ofSeconds(60));
    String output = replica.output();
    assertEquals(2, exitCode, output);
    assertEquals(1, output.lines().filter(l -> l.contains("cannot start")).count(), output);
    assertFalse(output.contains("\tat ") || output.contains("Starting clustering"), "a stack trace, or Vert.x started:\n" + output);
    return output;
  }

  private LauncherProcess started(LauncherProcess process) {
    processes.add(process);
    return process;
  }
}
