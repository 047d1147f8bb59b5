package io.busmesh.impl.metrics;

import io.busmesh.PrometheusOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.micrometer.PrometheusRequestHandler;

/** Serves a Prometheus scrape of a registry over HTTP, on the host, port and path of {@link PrometheusOptions}. */
public final class PrometheusEndpoint {

  private PrometheusEndpoint() {
  }

  /** Listens; fails with what to change if the address cannot be bound (e.g. the port is taken). */
  public static Future<HttpServer> listen(Vertx vertx, PrometheusMeterRegistry registry, PrometheusOptions options) {
    return vertx.createHttpServer()
        .requestHandler(PrometheusRequestHandler.create(registry, options.getPath()))
        .listen(options.getPort(), options.getHost())
        .recover(e -> Future.failedFuture(new IllegalStateException("Could not serve Prometheus metrics on "
            + options.getHost() + ":" + options.getPort() + " (" + e.getMessage() + "): choose another"
            + " mesh.metrics.prometheus.port, or remove it to serve none", e)));
  }
}
