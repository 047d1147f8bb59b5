package io.busmesh;

import io.vertx.core.json.JsonObject;

/**
 * Where a node serves its live dashboard, read from {@code "mesh": {"dashboard": {"port": 9466,
 * "host": "127.0.0.1", "maxViewers": 8, "maxReplicasShown": 50}}}: one page at {@code /} that shows,
 * every second, the services this node calls, their replicas and the mesh's recent events. Without a
 * port nothing is served (the default), and nothing is computed for it. The host defaults to loopback,
 * so the page is never opened to the network by accident. {@code maxViewers} bounds the open pages
 * (each is sent one update a second); {@code maxReplicasShown} bounds the replicas listed per service
 * (the service's own figures always cover all of them).
 */
public class DashboardOptions {

  public static final int DEFAULT_MAX_VIEWERS = 8;
  public static final int DEFAULT_MAX_REPLICAS_SHOWN = 50;

  private int port = PrometheusOptions.NO_PORT;
  private String host = PrometheusOptions.DEFAULT_HOST;
  private int maxViewers = DEFAULT_MAX_VIEWERS;
  private int maxReplicasShown = DEFAULT_MAX_REPLICAS_SHOWN;

  public DashboardOptions() {
  }

  /** @throws IllegalArgumentException with a sentence naming the bad key and value */
  public DashboardOptions(JsonObject json) {
    ConfigReader in = new ConfigReader("mesh options 'dashboard'", json, "port", "host", "maxViewers",
        "maxReplicasShown");
    setPort(in.intBetween("port", PrometheusOptions.NO_PORT, 0, 65_535));
    setHost(in.string("host", PrometheusOptions.DEFAULT_HOST));
    setMaxViewers(in.intBetween("maxViewers", DEFAULT_MAX_VIEWERS, 1, 1_000));
    setMaxReplicasShown(in.intBetween("maxReplicasShown", DEFAULT_MAX_REPLICAS_SHOWN, 1, 10_000));
  }

  public boolean isEnabled() {
    return port != PrometheusOptions.NO_PORT;
  }

  public int getPort() {
    return port;
  }

  /** The TCP port of the page; 0 for none. */
  public DashboardOptions setPort(int port) {
    ConfigReader.checkRange("dashboard.port", port, 0, 65_535);
    this.port = port;
    return this;
  }

  public String getHost() {
    return host;
  }

  public DashboardOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("Invalid mesh options: 'dashboard.host' must be a host name or address to"
          + " listen on, e.g. \"127.0.0.1\", got " + host + ".");
    }
    this.host = host;
    return this;
  }

  public int getMaxViewers() {
    return maxViewers;
  }

  /** Most pages open at once; one more is answered 503 until another closes. */
  public DashboardOptions setMaxViewers(int maxViewers) {
    ConfigReader.checkRange("dashboard.maxViewers", maxViewers, 1, 1_000);
    this.maxViewers = maxViewers;
    return this;
  }

  public int getMaxReplicasShown() {
    return maxReplicasShown;
  }

  /** Most replicas listed per service (the first by address); the page says how many more there are. */
  public DashboardOptions setMaxReplicasShown(int maxReplicasShown) {
    ConfigReader.checkRange("dashboard.maxReplicasShown", maxReplicasShown, 1, 10_000);
    this.maxReplicasShown = maxReplicasShown;
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject().put("port", port).put("host", host).put("maxViewers", maxViewers)
        .put("maxReplicasShown", maxReplicasShown);
  }
}
