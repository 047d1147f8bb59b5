package io.busmesh.impl.dashboard;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The dashboard's static files, read from the library's resources once: the page, its script and
 * style, and uPlot (vendored from npm, MIT), so the page works without a build step or a CDN. Served
 * with headers that keep the page to its own origin: data from the network is shown as text only.
 */
final class DashboardPage {

  private static final String RESOURCES = "io/busmesh/dashboard/";
  private static final Map<String, String[]> FILES = Map.of(
      "/", new String[] {"index.html", "text/html; charset=utf-8"},
      "/dashboard.js", new String[] {"dashboard.js", "text/javascript; charset=utf-8"},
      "/dashboard.css", new String[] {"dashboard.css", "text/css; charset=utf-8"},
      "/vendor/uPlot.iife.min.js", new String[] {"vendor/uPlot-1.6.32.iife.min.js", "text/javascript; charset=utf-8"},
      "/vendor/uPlot.min.css", new String[] {"vendor/uPlot-1.6.32.min.css", "text/css; charset=utf-8"});
  /** Only this origin's scripts and styles; uPlot sizes its elements through the CSSOM, which this allows. */
  private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final Map<String, Buffer> bodies;

  private DashboardPage(Map<String, Buffer> bodies) {
    this.bodies = bodies;
  }

  /** Reads every file; blocking, so run it off the event loops. */
  static DashboardPage load() {
    Map<String, Buffer> bodies = new HashMap<>();
    FILES.forEach((path, file) -> bodies.put(path, read(RESOURCES + file[0])));
    return new DashboardPage(bodies);
  }

  private static Buffer read(String resource) {
    try (InputStream in = DashboardPage.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("The dashboard's file " + resource + " is missing from the busmesh jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the dashboard's file " + resource, e);
    }
  }

  void serve(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    Buffer body = bodies.get(request.path());
    if (body == null) {
      response.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("No such page: the dashboard is at / and its stream at " + DashboardServer.EVENTS_PATH + ".\n");
      return;
    }
    secure(response).putHeader("Content-Type", FILES.get(request.path())[1]).putHeader("Cache-Control", "no-cache")
        .end(body);
  }

  static HttpServerResponse secure(HttpServerResponse response) {
    return response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
  }
}
