package io.busmesh.process;

import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.ServiceOptions;
import io.busmesh.test.Await;
import io.busmesh.test.LauncherProcess;
import io.busmesh.test.MetricsProbe;
import io.busmesh.test.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nodes as users run them: separate launcher processes from target/busmesh.jar on loopback. */
class LauncherProcessIT {

  private static final String REPLICA = "io.busmesh.examples.calculator.CalculatorVerticle";
  private static final String CLIENT = "io.busmesh.examples.calculator.CalculatorClientVerticle";
  /**
   * cluster.xml declares a silent member dead after 5 s (max.no.heartbeat); a killed one on loopback
   * is usually seen within about a second through its refused connections.
   */
  private static final Duration FAILURE_DETECTION = Duration.ofSeconds(8);
  private static final Duration START = Duration.ofSeconds(60);

  private final List<LauncherProcess> processes = new ArrayList<>();
  private TestCluster observer;

  @AfterEach
  void stopEverything() throws Exception {
    for (LauncherProcess p : processes) {
      p.close();
    }
    if (observer != null) {
      observer.close();
    }
  }

  @Test
  void aKilledReplicaProcessLeavesTheRegistryAndCallsSucceedOnTheSurvivors() throws Exception {
    String clusterName = TestCluster.uniqueName();
    List<LauncherProcess> replicas = startReplicas(clusterName, 3);
    observer = new TestCluster(clusterName);
    Vertx observerNode = observer.addNode();
    Mesh mesh = Mesh.join(observerNode).await(30, TimeUnit.SECONDS);
    List<Replica> before = mesh.awaitReplicas("calculator", 3, 30_000).await(40, TimeUnit.SECONDS);
    assertEquals(3, before.size());

    LauncherProcess victim = replicas.get(0);
    Replica victimReplica = replicaPrintedBy(victim, before);
    long killedAt = System.nanoTime();
    victim.kill();

    Await.until("the killed replica leaves this node's view", FAILURE_DETECTION,
        () -> mesh.replicas("calculator").stream().noneMatch(r -> r.address().equals(victimReplica.address())));
    long droppedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
    Await.until("the killed replica's entry leaves the cluster map", FAILURE_DETECTION,
        () -> TestCluster.registryAddresses(observerNode).equals(mesh.replicas("calculator").stream()
            .map(Replica::address).collect(Collectors.toSet())));
    System.out.println("Killed replica left the view " + droppedAfterMs + " ms after SIGKILL");

    LauncherProcess client = started(LauncherProcess.start("client", clusterName, CLIENT,
        new JsonObject().put("calls", 300).put("concurrency", 8).put("callTimeoutMs", 5_000)));
    int exitCode = client.awaitExit(Duration.ofSeconds(90));
    JsonObject summary = client.lastJsonLine().orElseThrow(() -> new AssertionError("no summary:\n" + client.output()));

    assertEquals(0, exitCode, client.output());
    assertEquals(300, summary.getInteger("ok"), summary.encode());
    assertEquals(0, summary.getInteger("failed"), summary.encode());
    Set<String> answered = summary.getJsonObject("perReplica").fieldNames();
    assertEquals(2, answered.size(), summary.encode());
    assertFalse(answered.contains(victimReplica.address()), summary.encode());
  }

  @Test
  void killingAReplicaProcessUnderSteadyLoadLosesNoCall() throws Exception {
    String clusterName = TestCluster.uniqueName();
    List<LauncherProcess> replicas = startReplicas(clusterName, 3);
    // Idempotent calls, bounded in count (200,000) and time (60 s), 8 in flight.
    JsonObject mesh = new JsonObject().put("services", new JsonObject().put("calculator",
        new JsonObject().put("callTimeoutMs", 5_000).put("maxAttempts", 3)));
    LauncherProcess client = started(LauncherProcess.start("client", clusterName, CLIENT, new JsonObject()
        .put("calls", 200_000).put("concurrency", 8).put("maxDurationMs", 60_000).put("mesh", mesh)));
    observer = new TestCluster(clusterName);
    Vertx observerNode = observer.addNode();
    Mesh observerMesh = Mesh.join(observerNode).await(30, TimeUnit.SECONDS);
    List<Replica> seen = observerMesh.awaitReplicas("calculator", 3, 30_000).await(40, TimeUnit.SECONDS);
    Replica victim = replicaPrintedBy(replicas.get(0), seen);
    // Kill it once it carries its share: the client's published metrics show it answered 1,000 calls.
    AtomicLong victimCalls = new AtomicLong();
    observerNode.eventBus().<JsonObject>consumer(MeshProtocol.METRICS_ADDRESS, m ->
        m.body().getJsonArray("replicas").stream().map(JsonObject.class::cast)
            .filter(r -> r.getString("address").equals(victim.address()))
            .forEach(r -> victimCalls.accumulateAndGet(r.getLong("calls"), Math::max)));
    Await.until("the client's calls reach the victim", START, () -> victimCalls.get() >= 1_000);

    long killedAtMs = System.currentTimeMillis();
    replicas.get(0).kill();
    int exitCode = client.awaitExit(Duration.ofSeconds(90));
    JsonObject summary = client.lastJsonLine().orElseThrow(() -> new AssertionError("no summary:\n" + client.output()));

    System.out.println("kill -9 under load: " + summary.encode());
    assertEquals(0, summary.getInteger("failed"), summary.encode());
    assertEquals(0, exitCode, client.output());
    assertTrue(summary.getJsonObject("perReplica").containsKey(victim.address()),
        "the killed replica had answered calls before: " + summary.encode());
    long lastCallAfterKillMs = summary.getJsonObject("lastSentAtMillis").getLong(victim.address()) - killedAtMs;
    System.out.println("kill -9 under load: the last call to the killed replica was sent " + lastCallAfterKillMs
        + " ms after the kill");
    assertTrue(lastCallAfterKillMs < FAILURE_DETECTION.toMillis(), "calls still went to the killed replica "
        + lastCallAfterKillMs + " ms after the kill");
  }

  @Test
  void aRollingRestartOfEveryReplicaLosesNoCall() throws Exception {
    String clusterName = TestCluster.uniqueName();
    List<LauncherProcess> replicas = startReplicas(clusterName, 3);
    // Bounded: at most 2,000,000 calls and 45 s, 8 in flight; it must outlive the three restarts.
    LauncherProcess client = started(LauncherProcess.start("client", clusterName, CLIENT, new JsonObject()
        .put("calls", 2_000_000).put("concurrency", 8).put("maxDurationMs", 45_000)));
    client.awaitOutput("Succeeded in deploying", START);

    List<LauncherProcess> replacements = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      LauncherProcess old = replicas.get(i);
      old.signal("TERM"); // the launcher closes Vert.x: the replica leaves the registry, drains, unregisters
      old.awaitExit(Duration.ofSeconds(30)); // 143: ended by SIGTERM, after the shutdown hook
      LauncherProcess replacement = started(LauncherProcess.start("replica-" + i + "-restarted", clusterName, REPLICA,
          new JsonObject()));
      replacement.awaitOutput("is serving", START);
      replacements.add(replacement);
    }
    assertTrue(client.isAlive(), "the client ended before the restarts were over; the test proved nothing");

    int exitCode = client.awaitExit(Duration.ofSeconds(90));
    JsonObject summary = client.lastJsonLine().orElseThrow(() -> new AssertionError("no summary:\n" + client.output()));
    System.out.println("rolling restart under load: " + summary.encode());
    assertEquals(0, summary.getInteger("failed"), summary.encode());
    assertEquals(0, exitCode, client.output());
    for (LauncherProcess replacement : replacements) {
      String announced = replacement.output().replaceAll("(?s).*busmesh: replica (\\S+) of.*", "$1");
      assertTrue(summary.getJsonObject("perReplica").containsKey(announced),
          replacement + " (" + announced + ") answered no call: " + summary.encode());
    }
  }

  @Test
  void aHungReplicaProcessCostsNoCallAndRejoinsSelectionWhenResumed() throws Exception {
    String clusterName = TestCluster.uniqueName();
    List<LauncherProcess> replicas = startReplicas(clusterName, 3);
    observer = new TestCluster(clusterName);
    Vertx observerNode = observer.addNode();
    // Named in its options, so that the observer keeps the figures of a service it never calls itself.
    Mesh observerMesh = Mesh.join(observerNode, new MeshOptions().setService("calculator", new ServiceOptions()))
        .await(30, TimeUnit.SECONDS);
    List<Replica> seen = observerMesh.awaitReplicas("calculator", 3, 30_000).await(40, TimeUnit.SECONDS);
    // Not Hazelcast's master (its oldest member): with the master hung on a 2-core machine pegged by the
    // client, electing a new one sometimes took over 30 s, during which members suspected healthy ones
    // too (CI, 2026-12-06). That would test Hazelcast's election; this tests the mesh.
    String master = oldestMember(observerNode);
    LauncherProcess hungProcess = replicas.stream().filter(p -> !replicaPrintedBy(p, seen).nodeId().equals(master))
        .findFirst().orElseThrow();
    Replica hung = replicaPrintedBy(hungProcess, seen);
    // A hung node answers nothing and closes no connection: each attempt on it gives up after 1 s and
    // moves on, within a 5 s deadline per call. (At 300 ms, the whole 2-core machine's pauses while
    // Hazelcast drops the member, with five JVMs on it, sometimes outlasted all three attempts.)
    // Bounded: 4,000,000 calls or 45 s, 8 in flight.
    JsonObject mesh = new JsonObject().put("services", new JsonObject().put("calculator",
        new JsonObject().put("callTimeoutMs", 5_000).put("attemptTimeoutMs", 1_000)));
    LauncherProcess client = started(LauncherProcess.start("client", clusterName, CLIENT, new JsonObject()
        .put("calls", 4_000_000).put("concurrency", 8).put("maxDurationMs", 45_000).put("callTimeoutMs", 10_000)
        .put("mesh", mesh)));
    Await.until("the client has calls in flight on the replica to hang", START,
        () -> MetricsProbe.inFlight(observerMesh, "calculator", hung.address()) > 0);

    hungProcess.signal("STOP");
    // Hazelcast drops it after 5 s without heartbeats (longer on a 2-core machine pegged by the client).
    Await.until("the cluster declares the hung member gone", Duration.ofSeconds(30),
        () -> observerMesh.replicas("calculator").stream().noneMatch(r -> r.address().equals(hung.address())));
    long resumedAt = System.nanoTime();
    hungProcess.signal("CONT");
    // Resumed, it is alone in a cluster of its own until Hazelcast's split-brain check merges it back.
    Await.until("the resumed replica is back in the view", Duration.ofSeconds(40),
        () -> observerMesh.replicas("calculator").stream().anyMatch(r -> r.address().equals(hung.address())));
    long backInViewMs = (System.nanoTime() - resumedAt) / 1_000_000;
    long backInViewAtMillis = System.currentTimeMillis();
    // The client still has calls to make: whether it sends some to the resumed replica is in its summary.
    // (Not the observer's in-flight figure: calls of 0.2 ms are rarely in flight when a replica counts them.)
    // How many depends on the replica: just after the merge it can time out or answer in milliseconds
    // rather than 0.2 ms for several seconds, and the balancer rightly sends it little until it recovers.
    assertTrue(client.isAlive(), "the client ended before the resumed replica was back; the test proved nothing");

    int exitCode = client.awaitExit(Duration.ofSeconds(90));
    JsonObject summary = client.lastJsonLine().orElseThrow(() -> new AssertionError("no summary:\n" + client.output()));
    System.out.println("SIGSTOP under load: " + summary.encode());
    long lastSentToResumed = summary.getJsonObject("lastSentAtMillis").getLong(hung.address(), 0L);
    long lastSentToAny = summary.getJsonObject("lastSentAtMillis").stream()
        .mapToLong(e -> ((Number) e.getValue()).longValue()).max().orElse(0);
    System.out.println("SIGCONT: the resumed replica was back in the view after " + backInViewMs + " ms; the client's"
        + " last call to it was sent " + (lastSentToAny - lastSentToResumed) + " ms before its last call to any replica");
    assertTrue(lastSentToResumed > backInViewAtMillis,
        "the client sent no call to the resumed replica once it was back in the view: " + summary.encode());
    // The client's own log says what its balancer saw (members leaving, views emptied) when calls failed.
    assertEquals(0, summary.getInteger("failed"), summary.encode() + "\nthe client's output:\n" + client.output());
    assertEquals(0, exitCode, client.output());
    assertTrue(hungProcess.output().contains("This node rejoined the cluster after a split"),
        "the resumed node re-announced its replicas: " + hungProcess.output());
  }

  @Test
  void aMissingConfFileStopsStartUpWithAClearMessage() throws Exception {
    LauncherProcess node = started(LauncherProcess.start("bad-conf", List.of(),
        List.of(REPLICA, "-conf", "conf/no-such-file.json")));

    int exitCode = node.awaitExit(Duration.ofSeconds(60));

    assertTrue(exitCode != 0, "exit code " + exitCode);
    assertTrue(node.output().contains("-conf file 'conf/no-such-file.json' does not exist"), node.output());
  }

  @Test
  void aHazelcastConfigPropertyNamingNoFileStopsStartUpInsteadOfFallingBackToMulticast() throws Exception {
    LauncherProcess node = started(LauncherProcess.start("bad-cluster-config",
        List.of("-Dvertx.hazelcast.config=conf/no-such-cluster.xml"), List.of(REPLICA, "-cluster")));

    int exitCode = node.awaitExit(Duration.ofSeconds(60));

    assertTrue(exitCode != 0, "exit code " + exitCode);
    assertTrue(node.output().contains("busmesh: cannot start: -Dvertx.hazelcast.config=conf/no-such-cluster.xml names no file"),
        node.output());
  }

  @Test
  void anInvalidConfValueStopsStartUpNamingTheKey() throws Exception {
    LauncherProcess node = started(LauncherProcess.start("bad-value", List.of(),
        List.of(CLIENT, "-conf", "{\"calls\": \"many\"}")));

    int exitCode = node.awaitExit(Duration.ofSeconds(60));

    assertTrue(exitCode != 0, "exit code " + exitCode);
    assertTrue(node.output().contains("'calls' must be a positive integer, got \"many\""), node.output());
  }

  /** Starts {@code count} calculator replica processes and waits until each serves. */
  private List<LauncherProcess> startReplicas(String clusterName, int count) throws Exception {
    List<LauncherProcess> replicas = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replicas.add(started(LauncherProcess.start("replica-" + i, clusterName, REPLICA, new JsonObject())));
    }
    for (LauncherProcess replica : replicas) {
      replica.awaitOutput("is serving", START);
    }
    return replicas;
  }

  /** The node id of the cluster's oldest member, Hazelcast's master. */
  private static String oldestMember(Vertx node) {
    HazelcastClusterManager cluster = (HazelcastClusterManager) ((VertxInternal) node).clusterManager();
    return cluster.getHazelcastInstance().getCluster().getMembers().iterator().next().getUuid().toString();
  }

  private LauncherProcess started(LauncherProcess process) {
    processes.add(process);
    return process;
  }

  /** The replica a process announced on stdout ("replica <address> of 'calculator' is serving"). */
  private static Replica replicaPrintedBy(LauncherProcess process, List<Replica> replicas) {
    return replicas.stream().filter(r -> process.output().contains("replica " + r.address() + " "))
        .findFirst().orElseThrow(() -> new AssertionError("no replica announced by " + process + ":\n" + process.output()));
  }
}
