package io.busmesh.process;

import io.busmesh.test.Await;
import io.busmesh.test.LauncherProcess;
import io.busmesh.test.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * busmesh as a team adopts it: {@code src/it/consumer}, a project of its own with its own
 * {@code @ProxyGen} inventory service, built against the busmesh artifact just installed
 * (maven-invoker-plugin, in an isolated repository) and run as launcher processes from its own
 * classpath with the JVM flags the README gives. Three replicas and one caller that reserves stock
 * (not idempotent) and reads it (idempotent) side by side; one replica gets SIGKILL while
 * reservations are in flight to it. The tests check what the run left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsumerProjectIT {

  private static final Path PROJECT = Path.of("target", "it", "consumer");
  private static final String REPLICA = "com.example.inventory.InventoryVerticle";
  private static final String CLIENT = "com.example.inventory.InventoryClientVerticle";
  private static final int RESERVATIONS = 400;
  /** Reservations the victim must have made before it is killed, so that the kill lands mid-run. */
  private static final int RESERVED_BEFORE_KILL = 15;
  private static final Duration START = Duration.ofSeconds(60);
  private static final Pattern RESERVED = Pattern.compile("^reserved (\\S+) ", Pattern.MULTILINE);
  /** What a node logs when its classpath holds a library twice or lacks access it needs. */
  private static final List<String> CLASSPATH_WARNINGS = List.of("Classpath misconfiguration", "found multiple",
      "duplicate class", "SLF4J:", "modular environment", "Illegal reflective access", "NoClassDefFoundError",
      "ClassNotFoundException");

  private final List<LauncherProcess> replicas = new ArrayList<>();
  private String classpath;
  private LauncherProcess client;
  private LauncherProcess victim;
  private int clientExitCode;
  private JsonObject summary;

  @BeforeAll
  void runTheProjectAndKillAReplicaMidRun() throws Exception {
    classpath = projectClasspath();
    List<String> jvmFlags = Arrays.asList(System.getProperty("busmesh.launcher.jvmFlags", "").trim().split("\\s+"));
    String cluster = TestCluster.uniqueName();
    for (int i = 0; i < 3; i++) {
      replicas.add(LauncherProcess.startFromClasspath("inventory-" + i, classpath, jvmFlags, cluster, REPLICA,
          new JsonObject().put("confirmDelayMs", 50)));
    }
    for (LauncherProcess replica : replicas) {
      replica.awaitOutput("is serving", START);
    }
    client = LauncherProcess.startFromClasspath("inventory-client", classpath, jvmFlags, cluster, CLIENT,
        new JsonObject().put("replicas", 3).put("reservations", RESERVATIONS).put("concurrency", 4)
            .put("maxDurationMs", 60_000));
    victim = replicas.get(0);
    Await.until("the victim has made " + RESERVED_BEFORE_KILL + " reservations", START,
        () -> reservationsIn(victim.output()).size() >= RESERVED_BEFORE_KILL);

    victim.kill();
    clientExitCode = client.awaitExit(Duration.ofSeconds(90));
    summary = client.lastJsonLine().orElseThrow(() -> new AssertionError("no summary:\n" + client.output()));
    System.out.println("consumer project, kill -9 of one of 3 replicas: " + summary.copy().put("reserved",
        summary.getJsonArray("reserved").size() + " orders").encode());
  }

  @AfterAll
  void stopEverything() throws Exception {
    for (LauncherProcess replica : replicas) {
      replica.close();
    }
    if (client != null) {
      client.close();
    }
  }

  @Test
  void theProjectRunsOnTheInstalledArtifactNotOnTheBuildOutput() {
    assertTrue(classpath.contains("it-repo/io/busmesh/busmesh/"), classpath);
    assertFalse(classpath.contains(Path.of("target", "classes").toAbsolutePath().toString()), classpath);
  }

  @Test
  void theInstalledArtifactIsTheLibraryAlone() throws IOException {
    String version = System.getProperty("busmesh.version");
    Path jar = Path.of("target", "it-repo", "io", "busmesh", "busmesh", version, "busmesh-" + version + ".jar");
    List<String> entries;
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = file.stream().map(JarEntry::getName).toList();
    }
    List<String> strangers = entries.stream().filter(name -> !(name.equals("io/") || name.startsWith("io/busmesh/")
        || name.startsWith("META-INF/")) || name.startsWith("io/busmesh/examples/") || name.startsWith("io/busmesh/bench/"))
        .toList();
    assertTrue(strangers.isEmpty(), "not the library's: " + strangers);
    assertTrue(Files.size(jar) < 1_000_000, jar + " has " + Files.size(jar) + " bytes");
    System.out.println("installed artifact: " + Files.size(jar) + " bytes, "
        + entries.stream().filter(name -> name.endsWith(".class")).count() + " classes");
  }

  @Test
  void idempotentReadsLoseNothingWhenAReplicaIsKilled() {
    assertEquals(0, summary.getLong("stockFailed"), summary.encode());
    assertTrue(summary.getLong("stockReads") > 100, summary.encode());
    assertEquals(0, clientExitCode, client.output());
  }

  @Test
  void callsSpreadOverEveryReplica() {
    JsonObject perReplica = summary.getJsonObject("perReplica");
    assertEquals(3, perReplica.size(), summary.encode());
    perReplica.forEach(e -> assertTrue(((Number) e.getValue()).longValue() > 0, summary.encode()));
  }

  @Test
  void aConflictReachesTheCallerWithItsCodeMessageAndDetails() {
    JsonObject conflict = summary.getJsonObject("conflict");
    assertEquals(409, conflict.getInteger("code"), conflict.encode());
    assertEquals("Not enough sku-1 for order order-too-big: 1000000 left, 2147483647 asked", conflict.getString("message"));
    assertEquals(new JsonObject().put("sku", "sku-1").put("left", 1_000_000).put("asked", Integer.MAX_VALUE),
        conflict.getJsonObject("debugInfo"));
  }

  @Test
  void aReservationWhoseReplicaIsKilledMidCallRanAtMostOnce() {
    Map<String, Integer> runs = new TreeMap<>();
    for (LauncherProcess replica : replicas) {
      reservationsIn(replica.output()).forEach(orderId -> runs.merge(orderId, 1, Integer::sum));
    }
    List<String> twice = runs.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    assertTrue(twice.isEmpty(), "reservations that ran more than once: " + twice);
    summary.getJsonArray("reserved").forEach(orderId ->
        assertEquals(1, runs.getOrDefault((String) orderId, 0), orderId + " was answered, so it ran once"));
    assertFalse(summary.getJsonArray("outcomeUnknown").isEmpty(),
        "no reservation was in flight at the killed replica when it died, so this proved nothing: " + summary.encode());
    assertTrue(summary.getJsonObject("otherReserveFailures").isEmpty(), summary.encode());
    String example = summary.getString("outcomeUnknownExample");
    assertTrue(example.contains("(method 'reserve') may or may not have run on replica")
        && example.contains("'reserve' is not declared idempotent"), example);
  }

  @Test
  void noNodeLogsAClasspathWarning() {
    List<LauncherProcess> nodes = new ArrayList<>(replicas);
    nodes.add(client);
    for (LauncherProcess node : nodes) {
      String output = node.output();
      for (String warning : CLASSPATH_WARNINGS) {
        assertFalse(output.contains(warning), node + " logged '" + warning + "':\n" + output);
      }
    }
  }

  private static List<String> reservationsIn(String output) {
    List<String> orderIds = new ArrayList<>();
    Matcher m = RESERVED.matcher(output);
    while (m.find()) {
      orderIds.add(m.group(1));
    }
    return orderIds;
  }

  /** The consumer project's runtime classpath, as its own build wrote it. */
  private static String projectClasspath() throws IOException {
    Path listed = PROJECT.resolve(Path.of("target", "classpath.txt"));
    if (!Files.isRegularFile(listed)) {
      throw new IllegalStateException(listed + " is missing: maven-invoker-plugin builds src/it/consumer in 'mvn verify'"
          + " before the process tests; see target/it/consumer/build.log");
    }
    return PROJECT.resolve(Path.of("target", "classes")).toAbsolutePath() + java.io.File.pathSeparator
        + Files.readString(listed).trim();
  }
}
