package io.busmesh;

import io.busmesh.balance.Strategy;
import io.vertx.core.json.JsonObject;

/** How callers on this node reach one service: which strategy picks its replicas, how long a call may take. */
public class ServiceOptions {

  public static final String DEFAULT_STRATEGY = "round-robin";
  public static final long DEFAULT_CALL_TIMEOUT_MS = 10_000;

  private String strategy = DEFAULT_STRATEGY;
  private long callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS;

  public ServiceOptions() {
  }

  public ServiceOptions(ServiceOptions other) {
    this.strategy = other.strategy;
    this.callTimeoutMs = other.callTimeoutMs;
  }

  /** Reads {@code json} over {@code defaults}: a key left out keeps the default's value. */
  public ServiceOptions(String where, JsonObject json, ServiceOptions defaults) {
    this(defaults);
    ConfigReader in = new ConfigReader(where, json, "strategy", "callTimeoutMs");
    setStrategy(in.string("strategy", defaults.strategy));
    setCallTimeoutMs(in.positiveLong("callTimeoutMs", defaults.callTimeoutMs));
  }

  public String getStrategy() {
    return strategy;
  }

  /** @throws IllegalArgumentException naming the known strategies when {@code strategy} is not one */
  public ServiceOptions setStrategy(String strategy) {
    Strategy.named(strategy); // validates the name now rather than on the first call
    this.strategy = strategy;
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
    return new JsonObject().put("strategy", strategy).put("callTimeoutMs", callTimeoutMs);
  }
}
