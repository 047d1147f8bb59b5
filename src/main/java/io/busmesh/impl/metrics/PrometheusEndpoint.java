package io.busmesh.impl.metrics;

import io.busmesh.PrometheusOptions;
import io.busmesh.impl.HttpEndpoint;
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
    return HttpEndpoint.listen(vertx, PrometheusRequestHandler.create(registry, options.getPath()), options.getHost(),
        options.getPort(), "Prometheus metrics", "mesh.metrics.prometheus.port");
  }
}
