package io.busmesh.impl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/** One of a node's HTTP endpoints (metrics, health, dashboard) listening, or failing with what to change. */
public final class HttpEndpoint {

  private HttpEndpoint() {
  }

  /**
   * @param what    what it serves, for the error (e.g. "Prometheus metrics")
   * @param portKey the option that gives it its port, for the error (e.g. "mesh.metrics.prometheus.port")
   */
  public static Future<HttpServer> listen(Vertx vertx, Handler<HttpServerRequest> handler, String host, int port,
                                          String what, String portKey) {
    return vertx.createHttpServer()
        .requestHandler(handler)
        .listen(port, host)
        .recover(e -> Future.failedFuture(new IllegalStateException("Could not serve " + what + " on " + host + ":"
            + port + " (" + e.getMessage() + "): choose another " + portKey + ", or remove it to serve none", e)));
  }
}
