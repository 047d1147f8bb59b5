package io.busmesh.impl.dashboard;

import io.busmesh.DashboardOptions;
import io.busmesh.impl.metrics.MeshEvents;
import io.busmesh.test.Await;
import io.busmesh.test.LoopbackHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's HTTP side over real loopback HTTP: pages, headers, the event stream and its bound. */
class DashboardServerTest {

  private final Vertx vertx = Vertx.vertx();
  private final MeshEvents events = new MeshEvents(10, System::currentTimeMillis);
  private final AtomicInteger framesComputed = new AtomicInteger();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private DashboardServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private int start(int maxViewers) throws Exception {
    DashboardOptions options = new DashboardOptions().setPort(LoopbackHttp.freePort()).setMaxViewers(maxViewers);
    server = DashboardServer.start(vertx, options, () -> Future.succeededFuture(new JsonObject()
        .put("node", "node-1").put("frame", framesComputed.incrementAndGet())), events).await(10, TimeUnit.SECONDS);
    return server.port();
  }

  @Test
  void servesThePageAndItsVendoredChartLibraryKeptToItsOwnOriginAndNothingElse() throws Exception {
    int port = start(2);
    HttpResponse<String> page = get(port, "/", "GET");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<script src=\"vendor/uPlot.iife.min.js\">"), page.body());
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    HttpResponse<String> uplot = get(port, "/vendor/uPlot.iife.min.js", "GET");
    assertEquals(200, uplot.statusCode());
    assertTrue(uplot.body().length() > 40_000, "the whole library, from the jar");

    HttpResponse<String> missing = get(port, "/../../etc/passwd", "GET");
    assertEquals(404, missing.statusCode());
    assertTrue(missing.body().contains("the dashboard is at /"), missing.body());
    assertEquals(405, get(port, "/", "DELETE").statusCode());
    HttpResponse<String> head = get(port, "/events", "HEAD");
    assertEquals(200, head.statusCode());
    assertTrue(head.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    assertEquals(0, framesComputed.get(), "no page open on the stream: no frame computed");
  }

  @Test
  @Timeout(15) // the stream is read with blocking reads: a frame that never comes fails here, not hangs
  void aStreamGetsTheRecentEventsAtOnceThenAFrameASecond() throws Exception {
    events.record(MeshEvents.Kind.BREAKER_OPEN, "calculator", "breaker of replica r1 opened");
    int port = start(2);
    HttpResponse<InputStream> stream = http.send(request(port, "/events", "GET"), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      assertEquals("retry: 2000", lines.readLine());
      assertEquals("event: hello", lines.readLine());
      JsonObject hello = new JsonObject(lines.readLine().substring("data: ".length()));
      assertEquals("breaker of replica r1 opened", hello.getJsonArray("events").getJsonObject(0).getString("text"));
      assertEquals("", lines.readLine());
      assertEquals("event: frame", lines.readLine());
      JsonObject frame = new JsonObject(lines.readLine().substring("data: ".length()));
      assertEquals("node-1", frame.getString("node"));
      assertTrue(frame.getLong("atMs") > 0);
    }
  }

  @Test
  void oneViewerMoreThanTheBoundIsToldWhyAndGetsInOnceAnotherLeaves() throws Exception {
    int port = start(1);
    HttpResponse<InputStream> first = http.send(request(port, "/events", "GET"), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, first.statusCode());

    HttpResponse<String> refused = get(port, "/events", "GET");
    assertEquals(503, refused.statusCode());
    assertTrue(refused.body().contains("mesh.dashboard.maxViewers"), refused.body());

    first.body().close();
    Await.until("a stream is accepted once the first page left", Duration.ofSeconds(10), () -> {
      try {
        HttpResponse<InputStream> next = http.send(request(port, "/events", "GET"), HttpResponse.BodyHandlers.ofInputStream());
        next.body().close();
        return next.statusCode() == 200;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private HttpRequest request(int port, String path, String method) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
  }

  private HttpResponse<String> get(int port, String path, String method) throws Exception {
    return http.send(request(port, path, method), HttpResponse.BodyHandlers.ofString());
  }
}
