package io.busmesh.test;

import com.hazelcast.config.Config;
import io.busmesh.MeshProtocol;
import io.busmesh.launcher.ClusterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real clustered Vert.x nodes in this JVM: Hazelcast on 127.0.0.1 with busmesh's default
 * {@code cluster.xml}, under a cluster name of their own so parallel runs never merge.
 */
public final class TestCluster implements AutoCloseable {

  private final String name;
  private final List<Vertx> nodes = new ArrayList<>();

  public TestCluster() {
    this(uniqueName());
  }

  /** Nodes that join {@code name}, e.g. to sit beside launcher processes in their cluster. */
  public TestCluster(String name) {
    this.name = name;
  }

  public static String uniqueName() {
    return "busmesh-test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public String name() {
    return name;
  }

  /** Starts a new node and waits until it has joined (nodes start one at a time, as Hazelcast prefers). */
  public Vertx addNode() throws Exception {
    return addNode(new VertxOptions());
  }

  /** Like {@link #addNode()}, with {@code options} (e.g. event-bus TLS); its event bus is put on 127.0.0.1. */
  public Vertx addNode(VertxOptions options) throws Exception {
    return addNode(options, null);
  }

  /** Like {@link #addNode(VertxOptions)}, tracing with {@code tracer} (e.g. vertx-opentelemetry's factory) unless null. */
  public Vertx addNode(VertxOptions options, VertxTracerFactory tracer) throws Exception {
    Config config = ClusterConfig.load();
    config.setClusterName(name);
    // cluster.xml probes few ports (a merge check waits 5 s per unused one); a test JVM may still hold
    // the closing nodes of an earlier test on the low ports, so look further for this cluster's members.
    config.setProperty("hazelcast.tcp.join.port.try.count", "20");
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    VertxBuilder builder = Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(config));
    if (tracer != null) {
      builder.withTracer(tracer);
    }
    Vertx vertx = builder.buildClustered().await(60, TimeUnit.SECONDS);
    nodes.add(vertx);
    return vertx;
  }

  /** The replica addresses in the cluster-wide registry map, read through {@code node}. */
  public static Set<String> registryAddresses(Vertx node) {
    try {
      return node.sharedData().<String, JsonObject>getAsyncMap(MeshProtocol.REGISTRY_MAP)
          .compose(AsyncMap::keys).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot read the registry map", e);
    }
  }

  /** Closes one node gracefully, as a clean shutdown would. */
  public void closeNode(Vertx node) throws Exception {
    nodes.remove(node);
    node.close().await(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      try {
        nodes.get(i).close().await(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // keep closing the others
      }
    }
    nodes.clear();
  }
}
