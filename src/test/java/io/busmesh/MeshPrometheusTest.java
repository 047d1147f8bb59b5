package io.busmesh;

import io.busmesh.examples.calculator.Calculator;
import io.busmesh.test.Await;
import io.busmesh.test.LoopbackHttp;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Prometheus endpoint of {@code mesh.metrics.prometheus}, scraped over HTTP from a real two-node cluster. */
class MeshPrometheusTest {

  private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(?:\\{([^}]*)})?\\s+(\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

  private final TestCluster cluster = new TestCluster();
  private final LoopbackHttp http = new LoopbackHttp();

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aScrapeShowsCallsByOutcomePerServiceAndReplicaAndABreakerThatOpened() throws Exception {
    Vertx server = cluster.addNode();
    Mesh serverMesh = Mesh.join(server, new MeshOptions()).await(30, TimeUnit.SECONDS);
    TunableCalculator healthy = new TunableCalculator(server, 0);
    TunableCalculator failing = new TunableCalculator(server, 0);
    String healthyAddress = serverMesh.publish("calculator", Calculator.class, healthy).await(20, TimeUnit.SECONDS).replica().address();
    String failingAddress = serverMesh.publish("calculator", Calculator.class, failing).await(20, TimeUnit.SECONDS).replica().address();
    int port = LoopbackHttp.freePort();
    Vertx callerNode = cluster.addNode();
    Mesh caller = Mesh.join(callerNode, new MeshOptions()
        .setPrometheus(new PrometheusOptions().setPort(port))
        // Round robin keeps calling the failing replica until its breaker opens; adaptive would price it out
        // after its first timeouts and probe it too rarely for the breaker to see five failures in a row.
        .setService("calculator", new ServiceOptions().setCallTimeoutMs(300).setStrategy("round-robin")))
        .await(30, TimeUnit.SECONDS);
    caller.awaitReplicas("calculator", 2, 15_000).await(20, TimeUnit.SECONDS);
    Calculator calculator = new ServiceProxyBuilder(callerNode).setAddress("calculator")
        .setOptions(new DeliveryOptions().setSendTimeout(5_000)).build(Calculator.class);

    for (int i = 0; i < 40; i++) {
      assertEquals(i + 1, calculator.add(i, 1).await(10, TimeUnit.SECONDS));
    }
    Await.until("the scrape counts the 40 calls", Duration.ofSeconds(10),
        () -> value(scrape(port), "busmesh_service_attempts_total", "service", "calculator", "outcome", "ok") == 40);
    Map<String, Double> samples = scrape(port);
    double perReplica = value(samples, "busmesh_attempts_total", "replica", healthyAddress, "outcome", "ok")
        + value(samples, "busmesh_attempts_total", "replica", failingAddress, "outcome", "ok");
    assertEquals(40, perReplica, "the replicas' series add up to the service's");
    assertEquals(1, value(samples, "busmesh_replica_breaker_state", "replica", failingAddress, "state", "closed"));
    assertEquals(2, value(samples, "busmesh_service_replicas", "service", "calculator"));
    assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("busmesh_replica_latency_seconds{")),
        "latency quantiles per replica: " + samples.keySet());

    failing.setDelayMs(2_000); // every call to it now times out: a fault
    // Enough calls for the breaker to see its failures (bounded: 20 batches of 10, each at most 10 s).
    for (int batch = 0; batch < 20 && caller.metrics("calculator").await(5, TimeUnit.SECONDS).replicas().stream()
        .noneMatch(r -> r.address().equals(failingAddress) && r.breaker().equals("OPEN")); batch++) {
      List<Future<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(calculator.add(i, 1));
      }
      Future.join(calls).otherwiseEmpty().await(10, TimeUnit.SECONDS);
    }
    Await.until("the failing replica's breaker shows open in the scrape", Duration.ofSeconds(5),
        () -> value(scrape(port), "busmesh_replica_breaker_state", "replica", failingAddress, "state", "open") == 1);
    Map<String, Double> after = scrape(port);
    assertTrue(value(after, "busmesh_attempts_total", "replica", failingAddress, "outcome", "fault") > 0,
        "the timeouts count as faults of that replica");
    assertEquals(1, value(after, "busmesh_replica_breaker_state", "replica", healthyAddress, "state", "closed"));
  }

  @Test
  void aServiceOfAHundredReplicasHasSeriesForFiftyWhileItsOwnSeriesCountAll() throws Exception {
    Vertx server = cluster.addNode();
    Mesh serverMesh = Mesh.join(server, new MeshOptions()).await(30, TimeUnit.SECONDS);
    for (int i = 0; i < 100; i++) {
      serverMesh.publish("calculator", Calculator.class, new TunableCalculator(server, 0)).await(20, TimeUnit.SECONDS);
    }
    int port = LoopbackHttp.freePort();
    Vertx callerNode = cluster.addNode();
    Mesh caller = Mesh.join(callerNode, new MeshOptions()
        .setPrometheus(new PrometheusOptions().setPort(port))).await(30, TimeUnit.SECONDS);
    caller.awaitReplicas("calculator", 100, 30_000).await(40, TimeUnit.SECONDS);
    Calculator calculator = new ServiceProxyBuilder(callerNode).setAddress("calculator").build(Calculator.class);

    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      calls.add(calculator.add(i, 1));
    }
    Future.all(calls).await(30, TimeUnit.SECONDS);

    Await.until("the scrape counts the 1,000 calls", Duration.ofSeconds(10),
        () -> value(scrape(port), "busmesh_service_attempts_total", "service", "calculator", "outcome", "ok") == 1_000);
    Map<String, Double> samples = scrape(port);
    Set<String> replicaLabels = new TreeSet<>();
    samples.keySet().stream().filter(k -> k.startsWith("busmesh_")).forEach(k -> {
      Matcher replica = Pattern.compile("replica=\"([^\"]*)\"").matcher(k);
      if (replica.find()) {
        replicaLabels.add(replica.group(1));
      }
    });
    long series = samples.keySet().stream().filter(k -> k.startsWith("busmesh_")).count();
    System.out.println("Prometheus series of busmesh for a service of 100 replicas: " + series);
    assertEquals(PrometheusOptions.DEFAULT_MAX_REPLICA_SERIES, replicaLabels.size(), "replica label values: " + replicaLabels);
    assertEquals(100, value(samples, "busmesh_service_replicas", "service", "calculator"));
    assertEquals(50 * 13 + 15 + 2, series, "13 series per replica with its own, 15 for the service, 2 for the node");
  }

  @Test
  void aTakenPortFailsTheJoinWithWhatToChange() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Vertx node = cluster.addNode();
      Exception e = assertThrows(Exception.class, () -> Mesh.join(node, new MeshOptions()
          .setPrometheus(new PrometheusOptions().setPort(taken.getLocalPort()))).await(30, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains("Could not serve Prometheus metrics on 127.0.0.1:" + taken.getLocalPort())
          && e.getMessage().contains("mesh.metrics.prometheus.port"), e.getMessage());
    }
  }

  @Test
  void badPrometheusOptionsAreRefusedWithTheKeyNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MeshOptions(
        new JsonObject().put("metrics", new JsonObject().put("prometheus", new JsonObject().put("port", 70_000)))));
    assertTrue(e.getMessage().contains("port"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PrometheusOptions().setPath("metrics"));
  }

  /** Samples of a scrape by "name{labels}", labels as Prometheus writes them (sorted). */
  private Map<String, Double> scrape(int port) {
    HttpResponse<String> response;
    try {
      response = http.get(port, "/metrics");
    } catch (IOException e) {
      throw new UncheckedIOException("no scrape from 127.0.0.1:" + port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (sample.matches()) {
        String labels = sample.group(2) == null ? "" : sample.group(2);
        samples.put(sample.group(1) + "{" + labels + "}", Double.parseDouble(sample.group(3)));
      }
    }
    return samples;
  }

  /** The value of the one sample of {@code name} whose labels include {@code labelPairs}; 0 if none. */
  private static double value(Map<String, Double> samples, String name, String... labelPairs) {
    double found = 0;
    int matches = 0;
    for (Map.Entry<String, Double> sample : samples.entrySet()) {
      if (!sample.getKey().startsWith(name + "{")) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      Matcher label = LABEL.matcher(sample.getKey());
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      boolean all = true;
      for (int i = 0; i < labelPairs.length; i += 2) {
        all &= labelPairs[i + 1].equals(labels.get(labelPairs[i]));
      }
      if (all) {
        found = sample.getValue();
        matches++;
      }
    }
    assertTrue(matches <= 1, matches + " samples of " + name + " match " + List.of(labelPairs));
    return found;
  }

}
