package io.busmesh.impl.dashboard;

import io.busmesh.impl.metrics.MeshEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The open pages' Server-Sent Events streams: a page that opens gets the node's recent events at
 * once, then every open page gets the same frame each second. Bounded: at most {@code maxViewers}
 * streams, and a page that reads too slowly skips frames rather than making the node buffer them.
 */
final class LiveFrames {

  private static final Logger log = LoggerFactory.getLogger(LiveFrames.class);
  static final long PERIOD_MS = 1_000;
  static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";
  /** How long a page waits before it reconnects after losing the stream. */
  private static final long RETRY_MS = 2_000;

  private final Vertx vertx;
  private final Supplier<Future<JsonObject>> frames;
  private final MeshEvents events;
  private final int maxViewers;
  private final Set<HttpServerResponse> viewers = ConcurrentHashMap.newKeySet();
  private final long timer;

  LiveFrames(Vertx vertx, Supplier<Future<JsonObject>> frames, MeshEvents events, int maxViewers) {
    this.vertx = vertx;
    this.frames = frames;
    this.events = events;
    this.maxViewers = maxViewers;
    this.timer = vertx.setPeriodic(PERIOD_MS, id -> tick());
  }

  void open(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (viewers.size() >= maxViewers) {
      response.setStatusCode(503).putHeader("Content-Type", "text/plain; charset=utf-8").end("This node already"
          + " streams its dashboard to " + maxViewers + " pages (mesh.dashboard.maxViewers): close one, or raise it.\n");
      return;
    }
    viewers.add(response);
    response.closeHandler(v -> viewers.remove(response));
    response.exceptionHandler(e -> viewers.remove(response));
    DashboardPage.secure(response).setChunked(true)
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .write("retry: " + RETRY_MS + "\n" + event("hello", new JsonObject().put("events", events.since(0))));
  }

  /** Computes one frame if a page is open, and sends it to every page that keeps up. */
  private void tick() {
    if (viewers.isEmpty()) {
      return;
    }
    frames.get().onComplete(ar -> {
      if (ar.failed()) {
        log.warn("Could not compute the dashboard's frame: " + ar.cause());
        return;
      }
      String message = event("frame", ar.result().put("atMs", System.currentTimeMillis()));
      for (HttpServerResponse viewer : viewers) {
        if (!viewer.writeQueueFull()) {
          viewer.write(message);
        }
      }
    });
  }

  /** One SSE message; JSON encoding escapes line breaks, so the data is one line. */
  private static String event(String name, JsonObject data) {
    return "event: " + name + "\ndata: " + data.encode() + "\n\n";
  }

  void close() {
    vertx.cancelTimer(timer);
    viewers.clear();
  }
}
