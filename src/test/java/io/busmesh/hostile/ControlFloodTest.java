package io.busmesh.hostile;

import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.SecurityOptions;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member that knows only the cluster name floods a node with control messages naming services
 * nobody publishes: strategy changes, pushed view changes and registry entries. The node keeps
 * serving and routes its calls as before; signed, its heap stays flat; unsigned, nothing from the
 * network grows state past its bounds. (The registry entries the rogue writes are stored by this
 * JVM's Hazelcast members whatever busmesh does, so the heap is measured after they are written.)
 */
class ControlFloodTest {

  private static final int STRATEGY_CHANGES = 60_000;
  private static final int VIEW_CHANGES = 20_000;
  private static final int REGISTRY_ENTRIES = 5_000;

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  /** Signed, everything the rogue sends is refused before it creates any state. */
  @Test
  void withASignedControlPlaneAFloodLeavesTheHeapFlat() throws Exception {
    Path secret = Files.createDirectories(Path.of("target", "flood-test")).resolve("secret-" + cluster.name());
    Files.writeString(secret, "a secret shared by this test's nodes, long enough for HMAC");
    SecurityOptions hmac = new SecurityOptions().setSigning(SecurityOptions.Signing.HMAC).setHmacSecretPath(secret.toString());
    long grown = flood(new MeshOptions().setSecurity(hmac));
    assertTrue(grown < 16L * 1024 * 1024, "live objects other than byte arrays grew by " + grown / 1024 / 1024 + " MB");
  }

  /** Unsigned, the flood fills the view up to its bounds (ReplicaView.MAX_SERVICES), and no further. */
  @Test
  void withoutSigningAFloodFillsAtMostTheBoundedView() throws Exception {
    long grown = flood(new MeshOptions());
    assertTrue(grown < 48L * 1024 * 1024, "live objects other than byte arrays grew by " + grown / 1024 / 1024 + " MB");
  }

  /** Floods a node running with {@code options}; returns how much its live objects grew (see {@link #retainedHeap}). */
  private long flood(MeshOptions options) throws Exception {
    options.setResyncIntervalMs(200);
    Vertx server = cluster.addNode();
    Mesh.join(server, options).compose(m -> m.publish("calculator", Calculator.class, new TunableCalculator(server, 0)))
        .await(30, TimeUnit.SECONDS);
    Vertx victim = cluster.addNode();
    Mesh mesh = Mesh.join(victim, options).await(30, TimeUnit.SECONDS);
    mesh.awaitReplicas("calculator", 1, 15_000).await(20, TimeUnit.SECONDS);
    Calculator calculator = new ServiceProxyBuilder(victim).setAddress("calculator").build(Calculator.class);
    assertEquals(3, calculator.add(1, 2).await(10, TimeUnit.SECONDS));
    Vertx rogue = cluster.addNode(); // knows the cluster name, runs no mesh
    AsyncMap<String, JsonObject> registry = rogue.sharedData().<String, JsonObject>getAsyncMap(MeshProtocol.REGISTRY_MAP)
        .await(10, TimeUnit.SECONDS);
    List<Future<Void>> puts = new ArrayList<>();
    for (int i = 0; i < REGISTRY_ENTRIES; i++) {
      Replica fake = fake("mapped-" + i, mesh.nodeId());
      puts.add(registry.put(fake.address(), fake.toJson()));
    }
    Future.all(puts).await(60, TimeUnit.SECONDS);
    Thread.sleep(1_000); // a few resyncs read the flooded registry
    // Measured from here: the entries themselves sit in this JVM's Hazelcast members, whatever busmesh does.
    long heapBefore = retainedHeap();

    for (int i = 0; i < STRATEGY_CHANGES; i++) {
      rogue.eventBus().publish(MeshProtocol.STRATEGY_CONTROL_ADDRESS,
          new JsonObject().put("service", "made-up-" + i).put("strategy", "round-robin"));
    }
    String victimView = MeshProtocol.VIEW_ADDRESS_PREFIX + mesh.nodeId();
    List<Future<Object>> acks = new ArrayList<>();
    for (int i = 0; i < VIEW_CHANGES; i++) {
      Replica fake = fake("pushed-" + i, mesh.nodeId());
      acks.add(rogue.eventBus().request(victimView, new JsonObject().put("added", fake.toJson())).map(m -> m.body()));
      if (acks.size() == 500) { // a bounded window of outstanding requests
        Future.join(acks).otherwiseEmpty().await(30, TimeUnit.SECONDS);
        acks.clear();
      }
    }
    Future.join(acks).otherwiseEmpty().await(30, TimeUnit.SECONDS);

    Thread.sleep(1_000); // resyncs run on the flooded view
    assertEquals(3, calculator.add(1, 2).await(10, TimeUnit.SECONDS), "the victim still calls its services");
    long grown = retainedHeap() - heapBefore;
    System.out.println("flood (signing " + options.getSecurity().getSigning().configName() + "): " + STRATEGY_CHANGES
        + " strategy changes, " + VIEW_CHANGES + " view changes, " + REGISTRY_ENTRIES + " registry entries; live objects other than byte arrays"
        + " grew by " + grown / 1024 + " KB");
    return grown;
  }

  /** A well-formed entry of a service nobody publishes, claiming to live on {@code nodeId}. */
  private static Replica fake(String service, String nodeId) {
    return new Replica(service, MeshProtocol.REPLICA_ADDRESS_PREFIX + service + "." + nodeId + ".1", nodeId, 1, "", 0, null);
  }

  /**
   * What the JVM's live objects other than byte arrays take once that stops changing, after a full GC
   * (the JVM's own class histogram). Byte arrays are left out: in a JVM that runs several cluster
   * members, the buffers of their connections come and go with traffic, and the used heap after the same
   * flood differed by −23 to +39 MB between runs. What a node could leak per message (map entries,
   * records, strings) are objects of other classes. Work still under way after a flood (thousands of
   * registry entries read on each resync) holds objects for a while too, so readings are taken until two
   * in a row agree within 2 MB (at most 10), and the lowest is returned: what stays.
   */
  private static long retainedHeap() throws Exception {
    long lowest = liveBytesOtherThanByteArrays();
    long previous = lowest;
    for (int i = 1; i < 10; i++) {
      Thread.sleep(200); // readings apart by at least one resync of the flood
      long next = liveBytesOtherThanByteArrays();
      lowest = Math.min(lowest, next);
      if (Math.abs(next - previous) < 2L * 1024 * 1024) {
        break;
      }
      previous = next;
    }
    return lowest;
  }

  private static long liveBytesOtherThanByteArrays() throws Exception {
    String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    long bytes = 0;
    for (String line : histogram.split("\n")) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length >= 4 && columns[0].endsWith(":") && !columns[3].equals("[B")) {
        bytes += Long.parseLong(columns[2]);
      }
    }
    return bytes;
  }
}
