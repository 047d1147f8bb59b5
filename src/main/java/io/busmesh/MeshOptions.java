package io.busmesh;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;

/**
 * Options of a node's mesh, read from the {@code "mesh"} object of a verticle's {@code conf}:
 * <pre>{@code
 * "mesh": {
 *   "resyncIntervalMs": 5000, "drainTimeoutMs": 10000,
 *   "defaults": {"strategy": "p2c", "callTimeoutMs": 10000},
 *   "services": {"calculator": {"strategy": "consistent-hash", "strategyOptions": {"hashKey": "arg:a"}}}
 * }}</pre>
 */
public class MeshOptions {

  public static final long DEFAULT_RESYNC_INTERVAL_MS = 5_000;
  public static final long DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

  private long resyncIntervalMs = DEFAULT_RESYNC_INTERVAL_MS;
  private long drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS;
  private ServiceOptions defaults = new ServiceOptions();
  private final Map<String, ServiceOptions> services = new TreeMap<>();

  public MeshOptions() {
  }

  /** @throws IllegalArgumentException with a sentence naming the bad key and value */
  public MeshOptions(JsonObject json) {
    ConfigReader in = new ConfigReader("mesh options", json, "resyncIntervalMs", "drainTimeoutMs", "defaults", "services");
    setResyncIntervalMs(in.positiveLong("resyncIntervalMs", DEFAULT_RESYNC_INTERVAL_MS));
    setDrainTimeoutMs(in.nonNegativeLong("drainTimeoutMs", DEFAULT_DRAIN_TIMEOUT_MS));
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

  public long getResyncIntervalMs() {
    return resyncIntervalMs;
  }

  /** Period of the full registry read that repairs a view if a pushed change was missed. */
  public MeshOptions setResyncIntervalMs(long resyncIntervalMs) {
    if (resyncIntervalMs < 1) {
      throw new IllegalArgumentException("resyncIntervalMs must be positive, got " + resyncIntervalMs);
    }
    this.resyncIntervalMs = resyncIntervalMs;
    return this;
  }

  public long getDrainTimeoutMs() {
    return drainTimeoutMs;
  }

  /** Longest wait for a closing replica's in-flight calls before it unregisters anyway. */
  public MeshOptions setDrainTimeoutMs(long drainTimeoutMs) {
    if (drainTimeoutMs < 0) {
      throw new IllegalArgumentException("drainTimeoutMs must be ≥ 0, got " + drainTimeoutMs);
    }
    this.drainTimeoutMs = drainTimeoutMs;
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
        .put("defaults", defaults.toJson())
        .put("services", perService);
  }
}
