package io.busmesh;

import io.busmesh.balance.Strategy;
import io.vertx.core.json.JsonObject;

/** How callers on this node reach one service: which strategy picks its replicas and with what figures, how long a call may take. */
public class ServiceOptions {

  public static final String DEFAULT_STRATEGY = "round-robin";
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

  /** Reads {@code json} over {@code defaults}: a key left out keeps the default's value. */
  public ServiceOptions(String where, JsonObject json, ServiceOptions defaults) {
    this(defaults);
    ConfigReader in = new ConfigReader(where, json, "strategy", "strategyOptions", "callTimeoutMs", "slowStartMs",
        "ewmaDecayMs");
    strategy = in.string("strategy", defaults.strategy);
    strategyOptions = in.object("strategyOptions", defaults.strategyOptions).copy();
    validateStrategy(where);
    setCallTimeoutMs(in.positiveLong("callTimeoutMs", defaults.callTimeoutMs));
    setSlowStartMs(in.nonNegativeLong("slowStartMs", defaults.slowStartMs));
    setEwmaDecayMs(in.positiveLong("ewmaDecayMs", defaults.ewmaDecayMs));
  }

  public String getStrategy() {
    return strategy;
  }

  /** @throws IllegalArgumentException naming the known strategies when {@code strategy} is not one */
  public ServiceOptions setStrategy(String strategy) {
    Strategy.named(strategy, strategyOptions); // validates now rather than on the first call
    this.strategy = strategy;
    return this;
  }

  public JsonObject getStrategyOptions() {
    return strategyOptions;
  }

  /** Settings of the strategy, e.g. {@code {"hashKey": "header:user"}} for {@code consistent-hash}. */
  public ServiceOptions setStrategyOptions(JsonObject strategyOptions) {
    JsonObject settings = strategyOptions == null ? new JsonObject() : strategyOptions.copy();
    Strategy.named(strategy, settings);
    this.strategyOptions = settings;
    return this;
  }

  private void validateStrategy(String where) {
    try {
      Strategy.named(strategy, strategyOptions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid " + where + ": " + e.getMessage(), e);
    }
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

  public JsonObject toJson() {
    return new JsonObject().put("strategy", strategy).put("strategyOptions", strategyOptions.copy())
        .put("callTimeoutMs", callTimeoutMs).put("slowStartMs", slowStartMs).put("ewmaDecayMs", ewmaDecayMs);
  }
}
