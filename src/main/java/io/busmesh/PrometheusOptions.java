package io.busmesh;

import io.vertx.core.json.JsonObject;

/**
 * Where a node serves its metrics for Prometheus to scrape, read from {@code "mesh": {"metrics":
 * {"prometheus": {...}}}}: {@code {"port": 9464, "host": "127.0.0.1", "path": "/metrics",
 * "maxReplicaSeries": 50}}. Without a port nothing is served (the default). The host defaults to
 * loopback, so that a scrape endpoint is never opened to the network by accident: set
 * {@code "0.0.0.0"} (or an interface's address) for a Prometheus on another host.
 * {@code maxReplicaSeries} bounds the per-replica series of one service; a service's own series
 * always cover all its replicas.
 */
public class PrometheusOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_PATH = "/metrics";
  public static final int DEFAULT_MAX_REPLICA_SERIES = 50;
  /** Port 0 means no endpoint. */
  public static final int NO_PORT = 0;

  private int port = NO_PORT;
  private String host = DEFAULT_HOST;
  private String path = DEFAULT_PATH;
  private int maxReplicaSeries = DEFAULT_MAX_REPLICA_SERIES;

  public PrometheusOptions() {
  }

  /** @throws IllegalArgumentException with a sentence naming the bad key and value */
  public PrometheusOptions(JsonObject json) {
    ConfigReader in = new ConfigReader("mesh options 'metrics.prometheus'", json, "port", "host", "path",
        "maxReplicaSeries");
    setPort(in.intBetween("port", NO_PORT, 0, 65_535));
    setHost(in.string("host", DEFAULT_HOST));
    setPath(in.string("path", DEFAULT_PATH));
    setMaxReplicaSeries(in.intBetween("maxReplicaSeries", DEFAULT_MAX_REPLICA_SERIES, 0, 10_000));
  }

  public boolean isEnabled() {
    return port != NO_PORT;
  }

  public int getPort() {
    return port;
  }

  /** The TCP port of the scrape endpoint; {@value #NO_PORT} for none. */
  public PrometheusOptions setPort(int port) {
    ConfigReader.checkRange("metrics.prometheus.port", port, 0, 65_535);
    this.port = port;
    return this;
  }

  public String getHost() {
    return host;
  }

  public PrometheusOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("Invalid mesh options: 'metrics.prometheus.host' must be a host name or"
          + " address to listen on, e.g. \"127.0.0.1\", got " + host + ".");
    }
    this.host = host;
    return this;
  }

  public String getPath() {
    return path;
  }

  public PrometheusOptions setPath(String path) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("Invalid mesh options: 'metrics.prometheus.path' must start with '/', e.g."
          + " \"/metrics\", got " + path + ".");
    }
    this.path = path;
    return this;
  }

  public int getMaxReplicaSeries() {
    return maxReplicaSeries;
  }

  /** Most replicas of one service with series of their own (the first by address); the rest count in the service's series only. */
  public PrometheusOptions setMaxReplicaSeries(int maxReplicaSeries) {
    ConfigReader.checkRange("metrics.prometheus.maxReplicaSeries", maxReplicaSeries, 0, 10_000);
    this.maxReplicaSeries = maxReplicaSeries;
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject().put("port", port).put("host", host).put("path", path)
        .put("maxReplicaSeries", maxReplicaSeries);
  }
}
