package io.busmesh.impl.dashboard;

import io.busmesh.DashboardOptions;
import io.busmesh.impl.HttpEndpoint;
import io.busmesh.impl.metrics.MeshEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;

/**
 * A node's live dashboard over core HTTP ({@link DashboardOptions}): the page and its vendored script
 * ({@link DashboardPage}), and {@code /events}, a Server-Sent Events stream of one frame a second
 * ({@link LiveFrames}). Frames are computed only while a page is open.
 */
public final class DashboardServer {

  static final String EVENTS_PATH = "/events";

  private final HttpServer server;
  private final LiveFrames frames;

  private DashboardServer(HttpServer server, LiveFrames frames) {
    this.server = server;
    this.frames = frames;
  }

  /**
   * Reads the page's files, then listens; fails with what to change if the address cannot be bound.
   *
   * @param frames where each second's frame comes from (computed on the balancer's loop)
   * @param events the recent events a page that opens is sent first
   */
  public static Future<DashboardServer> start(Vertx vertx, DashboardOptions options, Supplier<Future<JsonObject>> frames,
                                              MeshEvents events) {
    LiveFrames live = new LiveFrames(vertx, frames, events, options.getMaxViewers());
    return vertx.executeBlocking(DashboardPage::load)
        .compose(page -> HttpEndpoint.listen(vertx, request -> answer(request, page, live), options.getHost(),
            options.getPort(), "the dashboard", "mesh.dashboard.port"))
        .map(server -> new DashboardServer(server, live));
  }

  private static void answer(HttpServerRequest request, DashboardPage page, LiveFrames live) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end("The dashboard only answers GET.\n");
    } else if (EVENTS_PATH.equals(request.path())) {
      if (request.method() == HttpMethod.HEAD) {
        request.response().putHeader("Content-Type", LiveFrames.CONTENT_TYPE).end(); // no stream for a HEAD
      } else {
        live.open(request);
      }
    } else {
      page.serve(request);
    }
  }

  /** The port it listens on (the actual one when the options asked for an ephemeral port). */
  public int port() {
    return server.actualPort();
  }

  /** Stops the frames and closes the server and every open stream. */
  public Future<Void> close() {
    frames.close();
    return server.close();
  }
}
