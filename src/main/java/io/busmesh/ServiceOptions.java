package io.busmesh;

import io.busmesh.balance.Strategy;
import io.vertx.core.json.JsonObject;

/**
 * How callers on this node reach one service: which strategy picks its replicas (and that
 * strategy's settings, e.g. {@code {"hashKey": "arg:userId"}} for {@code consistent-hash}), how long
 * a call may take.
 */
public class ServiceOptions {

  /** Power of two choices on in-flight calls: O(1) per call and an even spread without coordination. */
  public static final String DEFAULT_STRATEGY = "p2c";
  public static final long DEFAULT_CALL_TIMEOUT_MS = 10_000;
  /** Slow start is opt-in, as in Envoy: a ramp delays full use of capacity that may be warm already. */
  public static final long DEFAULT_SLOW_START_MS = 0;
  /** τ of the latency and error averages (Finagle's peak-EWMA default). */
  public static final long DEFAULT_EWMA_DECAY_MS = 10_000;

  private String strategy = DEFAULT_STRATEGY;
  private JsonObject strategyOptions = new JsonObject();
  private long callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS;
  private long slowStartMs = DEFAULT_SLOW_START_MS;
  private long ewmaDecayMs = DEFAULT_EWMA_DECAY_MS;

  public ServiceOptions() {
  }

  public ServiceOptions(ServiceOptions other) {
    this.strategy = other.strategy;
    this.strategyOptions = other.strategyOptions.copy();
    this.callTimeoutMs = other.callTimeoutMs;
    this.slowStartMs = other.slowStartMs;
    this.ewmaDecayMs = other.ewmaDecayMs;
  }

  /**
   * Reads {@code json} over {@code defaults}: a key left out keeps the default's value, except that
   * naming a strategy without {@code strategyOptions} gives it no settings (the default's settings
   * belong to the default's strategy).
   */
  public ServiceOptions(String where, JsonObject json, ServiceOptions defaults) {
    this(defaults);
    ConfigReader in = new ConfigReader(where, json, "strategy", "strategyOptions", "callTimeoutMs", "slowStartMs",
        "ewmaDecayMs");
    String name = in.string("strategy", defaults.strategy);
    JsonObject settings = in.object("strategyOptions",
        json != null && json.containsKey("strategy") ? new JsonObject() : defaults.strategyOptions);
    setStrategy(name, settings);
    setCallTimeoutMs(in.positiveLong("callTimeoutMs", defaults.callTimeoutMs));
    setSlowStartMs(in.nonNegativeLong("slowStartMs", defaults.slowStartMs));
    setEwmaDecayMs(in.positiveLong("ewmaDecayMs", defaults.ewmaDecayMs));
  }

  public String getStrategy() {
    return strategy;
  }

  /** Settings of the strategy, as given to {@link Strategy#named(String, JsonObject)}; empty when it has none. */
  public JsonObject getStrategyOptions() {
    return strategyOptions.copy();
  }

  /**
   * Uses {@code strategy} with no settings.
   *
   * @throws IllegalArgumentException naming the known strategies when {@code strategy} is not one,
   *                                  or when it cannot run without settings
   */
  public ServiceOptions setStrategy(String strategy) {
    return setStrategy(strategy, new JsonObject());
  }

  /** @throws IllegalArgumentException naming the unknown strategy or the bad setting */
  public ServiceOptions setStrategy(String strategy, JsonObject strategyOptions) {
    JsonObject settings = strategyOptions == null ? new JsonObject() : strategyOptions.copy();
    Strategy.named(strategy, settings); // validates now rather than on the first call
    this.strategy = strategy;
    this.strategyOptions = settings;
    return this;
  }

  public long getCallTimeoutMs() {
    return callTimeoutMs;
  }

  /** Longest time the balancer waits for a replica's answer before failing the call with TIMEOUT. */
  public ServiceOptions setCallTimeoutMs(long callTimeoutMs) {
    if (callTimeoutMs < 1) {
      throw new IllegalArgumentException("callTimeoutMs must be positive, got " + callTimeoutMs);
    }
    this.callTimeoutMs = callTimeoutMs;
    return this;
  }

  public long getSlowStartMs() {
    return slowStartMs;
  }

  /** Ramp of a newly registered replica's share of traffic; 0 (the default) gives it a full share at once. */
  public ServiceOptions setSlowStartMs(long slowStartMs) {
    if (slowStartMs < 0) {
      throw new IllegalArgumentException("slowStartMs must be ≥ 0, got " + slowStartMs);
    }
    this.slowStartMs = slowStartMs;
    return this;
  }

  public long getEwmaDecayMs() {
    return ewmaDecayMs;
  }

  /** τ of the latency and error-rate averages that load-aware strategies weigh. */
  public ServiceOptions setEwmaDecayMs(long ewmaDecayMs) {
    if (ewmaDecayMs < 1) {
      throw new IllegalArgumentException("ewmaDecayMs must be positive, got " + ewmaDecayMs);
    }
    this.ewmaDecayMs = ewmaDecayMs;
    return this;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("strategy", strategy);
    if (!strategyOptions.isEmpty()) {
      json.put("strategyOptions", strategyOptions.copy());
    }
    return json.put("callTimeoutMs", callTimeoutMs).put("slowStartMs", slowStartMs).put("ewmaDecayMs", ewmaDecayMs);
  }
}
