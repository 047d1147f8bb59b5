package io.busmesh;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Options of a node's mesh, read from the {@code "mesh"} object of a verticle's {@code conf}:
 * <pre>{@code
 * "mesh": {
 *   "resyncIntervalMs": 5000, "drainTimeoutMs": 10000,
 *   "shareInFlight": true, "loadSharePeriodMs": 100, "metricsPeriodMs": 1000, "metricsWindowMs": 10000,
 *   "coalesceFlushes": true,
 *   "defaults": {"strategy": "adaptive", "callTimeoutMs": 10000, "slowStartMs": 0, "ewmaDecayMs": 10000},
 *   "services": {"calculator": {"strategy": "consistent-hash", "strategyOptions": {"hashKey": "arg:a"}}},
 *   "security": {"keyPath": "certs/node-1.key", "certPath": "certs/node-1.crt", "caPath": "certs/ca.crt"},
 *   "metrics": {"prometheus": {"port": 9464}}, "health": {"port": 9465},
 *   "dashboard": {"port": 9466}
 * }}</pre>
 */
public class MeshOptions {

  public static final long DEFAULT_RESYNC_INTERVAL_MS = 5_000;
  public static final long DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
  public static final long DEFAULT_LOAD_SHARE_PERIOD_MS = 100;
  public static final long DEFAULT_METRICS_PERIOD_MS = 1_000;
  public static final long DEFAULT_METRICS_WINDOW_MS = 10_000;
  /** Shortest period of a task that reads cluster maps: shorter would load the cluster more than it helps. */
  public static final long MIN_PERIOD_MS = 10;
  private static final long MAX_MS = ServiceOptions.MAX_DURATION_MS;

  private long resyncIntervalMs = DEFAULT_RESYNC_INTERVAL_MS;
  private long drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS;
  private boolean shareInFlight = true;
  private boolean coalesceFlushes = true;
  private long loadSharePeriodMs = DEFAULT_LOAD_SHARE_PERIOD_MS;
  private long metricsPeriodMs = DEFAULT_METRICS_PERIOD_MS;
  private long metricsWindowMs = DEFAULT_METRICS_WINDOW_MS;
  private ServiceOptions defaults = new ServiceOptions();
  private SecurityOptions security = new SecurityOptions();
  private PrometheusOptions prometheus = new PrometheusOptions();
  private HealthOptions health = new HealthOptions();
  private DashboardOptions dashboard = new DashboardOptions();
  private final Map<String, ServiceOptions> services = new TreeMap<>();

  public MeshOptions() {
  }

  /** @throws IllegalArgumentException with a sentence naming the bad key and value */
  public MeshOptions(JsonObject json) {
    ConfigReader in = new ConfigReader("mesh options", json, "resyncIntervalMs", "drainTimeoutMs",
        "shareInFlight", "loadSharePeriodMs", "metricsPeriodMs", "metricsWindowMs", "coalesceFlushes", "defaults", "services", "security",
        "metrics", "health", "dashboard");
    setShareInFlight(in.bool("shareInFlight", true));
    setCoalesceFlushes(in.bool("coalesceFlushes", true));
    setResyncIntervalMs(in.longBetween("resyncIntervalMs", DEFAULT_RESYNC_INTERVAL_MS, MIN_PERIOD_MS, MAX_MS));
    setDrainTimeoutMs(in.longBetween("drainTimeoutMs", DEFAULT_DRAIN_TIMEOUT_MS, 0, MAX_MS));
    setLoadSharePeriodMs(in.longBetween("loadSharePeriodMs", DEFAULT_LOAD_SHARE_PERIOD_MS, MIN_PERIOD_MS, MAX_MS));
    setMetricsPeriodMs(in.longBetween("metricsPeriodMs", DEFAULT_METRICS_PERIOD_MS, 0, MAX_MS));
    setMetricsWindowMs(in.longBetween("metricsWindowMs", DEFAULT_METRICS_WINDOW_MS, 1, MAX_MS));
    security = new SecurityOptions(in.object("security", new JsonObject()));
    JsonObject metrics = in.object("metrics", new JsonObject());
    prometheus = new PrometheusOptions(new ConfigReader("mesh options 'metrics'", metrics, "prometheus")
        .object("prometheus", new JsonObject()));
    health = new HealthOptions(in.object("health", new JsonObject()));
    dashboard = new DashboardOptions(in.object("dashboard", new JsonObject()));
    checkDistinctPorts();
    defaults = new ServiceOptions("mesh options 'defaults'", in.object("defaults", null), new ServiceOptions());
    JsonObject perService = in.object("services", new JsonObject());
    for (String name : perService.fieldNames()) {
      Object entry = perService.getValue(name);
      if (!(entry instanceof JsonObject serviceJson)) {
        throw new IllegalArgumentException("Invalid mesh options: 'services." + name + "' must be a JSON object, got " + entry + ".");
      }
      services.put(name, new ServiceOptions("mesh options 'services." + name + "'", serviceJson, defaults));
    }
  }

  /** @throws IllegalArgumentException if two of the node's HTTP endpoints are given the same port */
  private void checkDistinctPorts() {
    Map<Integer, String> byPort = new TreeMap<>();
    checkPort(byPort, "metrics.prometheus.port", prometheus.isEnabled(), prometheus.getPort());
    checkPort(byPort, "health.port", health.isEnabled(), health.getPort());
    checkPort(byPort, "dashboard.port", dashboard.isEnabled(), dashboard.getPort());
  }

  private static void checkPort(Map<Integer, String> byPort, String key, boolean enabled, int port) {
    String other = enabled ? byPort.putIfAbsent(port, key) : null;
    if (other != null) {
      throw new IllegalArgumentException("Invalid mesh options: '" + other + "' and '" + key + "' are both " + port
          + "; give them different ports.");
    }
  }

  public PrometheusOptions getPrometheus() {
    return prometheus;
  }

  /** The Prometheus scrape endpoint of this node's metrics; none by default. */
  public MeshOptions setPrometheus(PrometheusOptions prometheus) {
    this.prometheus = Objects.requireNonNull(prometheus, "prometheus");
    return this;
  }

  public DashboardOptions getDashboard() {
    return dashboard;
  }

  /** The live dashboard page of this node; none by default. */
  public MeshOptions setDashboard(DashboardOptions dashboard) {
    this.dashboard = Objects.requireNonNull(dashboard, "dashboard");
    return this;
  }

  public HealthOptions getHealth() {
    return health;
  }

  /** The liveness and readiness probes of this node; none by default. */
  public MeshOptions setHealth(HealthOptions health) {
    this.health = Objects.requireNonNull(health, "health");
    return this;
  }

  public long getResyncIntervalMs() {
    return resyncIntervalMs;
  }

  /** Period of the full registry read that repairs a view if a pushed change was missed. */
  public MeshOptions setResyncIntervalMs(long resyncIntervalMs) {
    ConfigReader.checkRange("resyncIntervalMs", resyncIntervalMs, MIN_PERIOD_MS, MAX_MS);
    this.resyncIntervalMs = resyncIntervalMs;
    return this;
  }

  public long getDrainTimeoutMs() {
    return drainTimeoutMs;
  }

  /** Longest wait for a closing replica's in-flight calls before it unregisters anyway. */
  public MeshOptions setDrainTimeoutMs(long drainTimeoutMs) {
    ConfigReader.checkRange("drainTimeoutMs", drainTimeoutMs, 0, MAX_MS);
    this.drainTimeoutMs = drainTimeoutMs;
    return this;
  }

  public boolean isShareInFlight() {
    return shareInFlight;
  }

  /**
   * Whether load-aware strategies see the cluster-wide in-flight counts (the default) or only this
   * node's own calls, as Dubbo's LeastActive or Envoy's least_request do; off is for comparison.
   */
  public MeshOptions setShareInFlight(boolean shareInFlight) {
    this.shareInFlight = shareInFlight;
    return this;
  }

  public boolean isCoalesceFlushes() {
    return coalesceFlushes;
  }

  /**
   * Whether a message this node writes to another node while the event loop has more work queued
   * waits for that work and leaves in one write with what it writes (the default), or each message
   * leaves in a write of its own, as in plain Vert.x. A message with nothing queued behind it leaves
   * at once either way; under load, coalescing saves CPU on both nodes. It covers every message of
   * the node's event bus, not only calls through the mesh.
   */
  public MeshOptions setCoalesceFlushes(boolean coalesceFlushes) {
    this.coalesceFlushes = coalesceFlushes;
    return this;
  }

  public long getLoadSharePeriodMs() {
    return loadSharePeriodMs;
  }

  /**
   * Period at which this node publishes its per-replica in-flight counts (when they changed) and
   * reads the other nodes' counts; with the read itself, it bounds how stale the shared view is.
   */
  public MeshOptions setLoadSharePeriodMs(long loadSharePeriodMs) {
    ConfigReader.checkRange("loadSharePeriodMs", loadSharePeriodMs, MIN_PERIOD_MS, MAX_MS);
    this.loadSharePeriodMs = loadSharePeriodMs;
    return this;
  }

  public long getMetricsPeriodMs() {
    return metricsPeriodMs;
  }

  /** Period at which each service's metrics are published on the event bus; 0 publishes none. */
  public MeshOptions setMetricsPeriodMs(long metricsPeriodMs) {
    ConfigReader.checkRange("metricsPeriodMs", metricsPeriodMs, 0, MAX_MS);
    this.metricsPeriodMs = metricsPeriodMs;
    return this;
  }

  public long getMetricsWindowMs() {
    return metricsWindowMs;
  }

  /** Span of recent calls that response time, error and fault rates cover. */
  public MeshOptions setMetricsWindowMs(long metricsWindowMs) {
    ConfigReader.checkRange("metricsWindowMs", metricsWindowMs, 1, MAX_MS);
    this.metricsWindowMs = metricsWindowMs;
    return this;
  }

  public SecurityOptions getSecurity() {
    return security;
  }

  /** Event-bus TLS and control-plane signing; see {@link SecurityOptions}. */
  public MeshOptions setSecurity(SecurityOptions security) {
    this.security = new SecurityOptions(security).validate();
    return this;
  }

  public ServiceOptions getDefaults() {
    return defaults;
  }

  /** Options of services that have no entry of their own. */
  public MeshOptions setDefaults(ServiceOptions defaults) {
    this.defaults = new ServiceOptions(defaults);
    return this;
  }

  public MeshOptions setService(String service, ServiceOptions options) {
    services.put(service, new ServiceOptions(options));
    return this;
  }

  /** The options that apply to {@code service}: its own entry, else the defaults. */
  public ServiceOptions forService(String service) {
    return services.getOrDefault(service, defaults);
  }

  /** Whether {@code service} has options of its own. */
  public boolean isConfigured(String service) {
    return services.containsKey(service);
  }

  /** Services named in the configuration; the mesh answers for them even before any replica appears. */
  public Iterable<String> configuredServices() {
    return services.keySet();
  }

  public JsonObject toJson() {
    JsonObject perService = new JsonObject();
    services.forEach((name, options) -> perService.put(name, options.toJson()));
    return new JsonObject()
        .put("resyncIntervalMs", resyncIntervalMs)
        .put("drainTimeoutMs", drainTimeoutMs)
        .put("shareInFlight", shareInFlight)
        .put("coalesceFlushes", coalesceFlushes)
        .put("loadSharePeriodMs", loadSharePeriodMs)
        .put("metricsPeriodMs", metricsPeriodMs)
        .put("metricsWindowMs", metricsWindowMs)
        .put("security", security.toJson())
        .put("metrics", new JsonObject().put("prometheus", prometheus.toJson()))
        .put("health", health.toJson())
        .put("dashboard", dashboard.toJson())
        .put("defaults", defaults.toJson())
        .put("services", perService);
  }
}
