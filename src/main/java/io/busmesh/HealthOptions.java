package io.busmesh;

import io.vertx.core.json.JsonObject;

/**
 * Where a node answers liveness and readiness probes, read from {@code "mesh": {"health": {"port":
 * 9465, "host": "127.0.0.1"}}}: {@code GET /health/live} and {@code GET /health/ready}, 200 when up
 * and 503 when not, with the checks as JSON. Without a port nothing is served (the default). The host
 * defaults to loopback; a Kubernetes probe from the kubelet needs the pod's address ({@code "0.0.0.0"}).
 */
public class HealthOptions {

  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";

  private int port = PrometheusOptions.NO_PORT;
  private String host = PrometheusOptions.DEFAULT_HOST;

  public HealthOptions() {
  }

  /** @throws IllegalArgumentException with a sentence naming the bad key and value */
  public HealthOptions(JsonObject json) {
    ConfigReader in = new ConfigReader("mesh options 'health'", json, "port", "host");
    setPort(in.intBetween("port", PrometheusOptions.NO_PORT, 0, 65_535));
    setHost(in.string("host", PrometheusOptions.DEFAULT_HOST));
  }

  public boolean isEnabled() {
    return port != PrometheusOptions.NO_PORT;
  }

  public int getPort() {
    return port;
  }

  /** The TCP port of the probes; 0 for none. */
  public HealthOptions setPort(int port) {
    ConfigReader.checkRange("health.port", port, 0, 65_535);
    this.port = port;
    return this;
  }

  public String getHost() {
    return host;
  }

  public HealthOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("Invalid mesh options: 'health.host' must be a host name or address to listen"
          + " on, e.g. \"127.0.0.1\", got " + host + ".");
    }
    this.host = host;
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject().put("port", port).put("host", host);
  }
}
