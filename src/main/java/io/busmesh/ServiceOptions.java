package io.busmesh;

import io.busmesh.impl.fault.BreakerSettings;
import io.busmesh.impl.fault.OutlierDetector;
import io.busmesh.impl.load.Clock;
import io.busmesh.strategy.StrategyFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * How callers on this node reach one service: which strategy picks its replicas (and that
 * strategy's settings, e.g. {@code {"hashKey": "arg:userId"}} for {@code consistent-hash}), how long
 * a call may take.
 */
public class ServiceOptions {

  /** Power of two choices on in-flight calls: O(1) per call and an even spread without coordination. */
  public static final String DEFAULT_STRATEGY = "adaptive";
  public static final long DEFAULT_CALL_TIMEOUT_MS = 10_000;
  /** Slow start is opt-in, as in Envoy: a ramp delays full use of capacity that may be warm already. */
  public static final long DEFAULT_SLOW_START_MS = 0;
  /** τ of the latency and error averages (Finagle's peak-EWMA default). */
  public static final long DEFAULT_EWMA_DECAY_MS = 10_000;
  /** The first try and up to two more on other replicas. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** Retries allowed per call, cluster-wide (Finagle's default budget is 20%). */
  public static final double DEFAULT_RETRY_BUDGET_RATIO = 0.2;
  public static final double DEFAULT_RETRY_BUDGET_MIN_PER_SECOND = 10;
  /** Hedge the slowest 5% of calls. */
  public static final double DEFAULT_HEDGE_PERCENTILE = 95;
  /** Backup requests allowed per call: 5% extra load at most. */
  public static final double DEFAULT_HEDGE_BUDGET_RATIO = 0.05;
  /** Calls of one node to one service in flight at once; more fail fast with {@link MeshProtocol#OVERLOADED}. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 5_000;
  /** Upper bound of every duration: no call should wait an hour, so a larger value is a typo (and would overflow deadlines). */
  public static final long MAX_DURATION_MS = 3_600_000;
  /** Upper bound of {@code maxAttempts}: more tries than replicas worth trying only multiply load. */
  public static final int MAX_ATTEMPTS_LIMIT = 10;
  public static final int MAX_IN_FLIGHT_LIMIT = 1_000_000;
  /** Upper bound of {@code retryBudgetMinPerSecond}. */
  public static final double MAX_RETRIES_PER_SECOND = 1_000_000;

  private StrategyFactory strategy = StrategyFactory.named(DEFAULT_STRATEGY);
  private JsonObject strategyOptions = new JsonObject();
  private long callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS;
  private long slowStartMs = DEFAULT_SLOW_START_MS;
  private long ewmaDecayMs = DEFAULT_EWMA_DECAY_MS;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private long attemptTimeoutMs;
  private Set<String> retryableMethods = Set.of();
  private JsonObject breaker = new JsonObject();
  private double retryBudgetRatio = DEFAULT_RETRY_BUDGET_RATIO;
  private double retryBudgetMinPerSecond = DEFAULT_RETRY_BUDGET_MIN_PER_SECOND;
  private FaultMode faultMode = FaultMode.FAILOVER;
  private Object failsafeValue;
  private Set<String> idempotentMethods = Set.of();
  private double hedgePercentile = DEFAULT_HEDGE_PERCENTILE;
  private double hedgeBudgetRatio = DEFAULT_HEDGE_BUDGET_RATIO;
  private JsonObject outlierEjection;
  private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

  public ServiceOptions() {
  }

  public ServiceOptions(ServiceOptions other) {
    this.strategy = other.strategy;
    this.strategyOptions = other.strategyOptions.copy();
    this.callTimeoutMs = other.callTimeoutMs;
    this.slowStartMs = other.slowStartMs;
    this.ewmaDecayMs = other.ewmaDecayMs;
    this.maxAttempts = other.maxAttempts;
    this.attemptTimeoutMs = other.attemptTimeoutMs;
    this.retryableMethods = other.retryableMethods;
    this.breaker = other.breaker.copy();
    this.retryBudgetRatio = other.retryBudgetRatio;
    this.retryBudgetMinPerSecond = other.retryBudgetMinPerSecond;
    this.faultMode = other.faultMode;
    this.failsafeValue = other.failsafeValue;
    this.idempotentMethods = other.idempotentMethods;
    this.hedgePercentile = other.hedgePercentile;
    this.hedgeBudgetRatio = other.hedgeBudgetRatio;
    this.outlierEjection = other.outlierEjection == null ? null : other.outlierEjection.copy();
    this.maxInFlight = other.maxInFlight;
  }

  /**
   * Reads {@code json} over {@code defaults}: a key left out keeps the default's value, except that
   * naming a strategy without {@code strategyOptions} gives it no settings (the default's settings
   * belong to the default's strategy).
   */
  public ServiceOptions(String where, JsonObject json, ServiceOptions defaults) {
    this(defaults);
    ConfigReader in = new ConfigReader(where, json, "strategy", "strategyOptions", "callTimeoutMs", "slowStartMs",
        "ewmaDecayMs", "maxAttempts", "attemptTimeoutMs", "retryableMethods", "breaker", "retryBudgetRatio",
        "retryBudgetMinPerSecond", "faultMode", "failsafeValue", "idempotentMethods", "hedgePercentile",
        "hedgeBudgetRatio", "outlierEjection", "maxInFlight");
    boolean named = json != null && json.containsKey("strategy");
    JsonObject settings = in.object("strategyOptions", named ? new JsonObject() : defaults.strategyOptions);
    StrategyFactory factory = defaults.strategy;
    if (named) {
      try {
        factory = StrategyFactory.named(in.string("strategy", null));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Invalid " + where + ": " + e.getMessage(), e);
      }
    }
    setStrategy(factory, settings); // a bad setting is reported by the strategy, naming itself
    setCallTimeoutMs(in.longBetween("callTimeoutMs", defaults.callTimeoutMs, 1, MAX_DURATION_MS));
    setSlowStartMs(in.longBetween("slowStartMs", defaults.slowStartMs, 0, MAX_DURATION_MS));
    setEwmaDecayMs(in.longBetween("ewmaDecayMs", defaults.ewmaDecayMs, 1, MAX_DURATION_MS));
    setMaxAttempts(in.intBetween("maxAttempts", defaults.maxAttempts, 1, MAX_ATTEMPTS_LIMIT));
    setAttemptTimeoutMs(in.longBetween("attemptTimeoutMs", defaults.attemptTimeoutMs, 0, MAX_DURATION_MS));
    setRetryableMethods(in.strings("retryableMethods", defaults.retryableMethods));
    try {
      setBreaker(in.object("breaker", defaults.breaker));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid " + where + ": " + e.getMessage(), e);
    }
    setRetryBudget(in.doubleBetween("retryBudgetRatio", defaults.retryBudgetRatio, 0, 1),
        in.doubleBetween("retryBudgetMinPerSecond", defaults.retryBudgetMinPerSecond, 0, MAX_RETRIES_PER_SECOND));
    setMaxInFlight(in.intBetween("maxInFlight", defaults.maxInFlight, 1, MAX_IN_FLIGHT_LIMIT));
    try {
      setFaultMode(FaultMode.of(in.string("faultMode", defaults.faultMode.configName())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid " + where + ": " + e.getMessage(), e);
    }
    setFailsafeValue(json != null && json.containsKey("failsafeValue") ? json.getValue("failsafeValue") : defaults.failsafeValue);
    setIdempotentMethods(in.strings("idempotentMethods", defaults.idempotentMethods));
    setHedging(in.doubleBetween("hedgePercentile", defaults.hedgePercentile, 0, 100),
        in.doubleBetween("hedgeBudgetRatio", defaults.hedgeBudgetRatio, 0, 1));
    try {
      setOutlierEjection(in.object("outlierEjection", defaults.outlierEjection));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid " + where + ": " + e.getMessage(), e);
    }
  }

  /** The name of the balancing strategy. */
  public String getStrategy() {
    return strategy.name();
  }

  /** The factory that makes the service's strategy on each node. */
  public StrategyFactory getStrategyFactory() {
    return strategy;
  }

  /** Settings of the strategy, as given to {@link StrategyFactory#create}; empty when it has none. */
  public JsonObject getStrategyOptions() {
    return strategyOptions.copy();
  }

  /**
   * Uses the strategy named {@code strategy} (built in, or registered; see {@link StrategyFactory}) with no settings.
   *
   * @throws IllegalArgumentException naming the known strategies when {@code strategy} is not one,
   *                                  or when it cannot run without settings
   */
  public ServiceOptions setStrategy(String strategy) {
    return setStrategy(strategy, new JsonObject());
  }

  /** @throws IllegalArgumentException naming the unknown strategy or the bad setting */
  public ServiceOptions setStrategy(String strategy, JsonObject strategyOptions) {
    return setStrategy(StrategyFactory.named(strategy), strategyOptions);
  }

  /**
   * Uses strategies made by {@code factory}, e.g. your own: {@code setStrategy(StrategyFactory.of("zone-affinity",
   * s -> new ZoneAffinity(s)), settings)}. Its name then also selects it in {@code Mesh.useStrategy} on this node.
   *
   * @throws IllegalArgumentException naming the bad setting, as the factory reports it
   */
  public ServiceOptions setStrategy(StrategyFactory factory, JsonObject strategyOptions) {
    JsonObject settings = strategyOptions == null ? new JsonObject() : strategyOptions.copy();
    if (factory.create(settings) == null) { // validates now rather than on the first call
      throw new IllegalArgumentException("Strategy factory '" + factory.name() + "' made no strategy (null)");
    }
    this.strategy = factory;
    this.strategyOptions = settings;
    return this;
  }

  public long getCallTimeoutMs() {
    return callTimeoutMs;
  }

  /** Longest time the balancer waits for a replica's answer before failing the call with TIMEOUT. */
  public ServiceOptions setCallTimeoutMs(long callTimeoutMs) {
    ConfigReader.checkRange("callTimeoutMs", callTimeoutMs, 1, MAX_DURATION_MS);
    this.callTimeoutMs = callTimeoutMs;
    return this;
  }

  public long getSlowStartMs() {
    return slowStartMs;
  }

  /** Ramp of a newly registered replica's share of traffic; 0 (the default) gives it a full share at once. */
  public ServiceOptions setSlowStartMs(long slowStartMs) {
    ConfigReader.checkRange("slowStartMs", slowStartMs, 0, MAX_DURATION_MS);
    this.slowStartMs = slowStartMs;
    return this;
  }

  public long getEwmaDecayMs() {
    return ewmaDecayMs;
  }

  /** τ of the latency and error-rate averages that load-aware strategies weigh. */
  public ServiceOptions setEwmaDecayMs(long ewmaDecayMs) {
    ConfigReader.checkRange("ewmaDecayMs", ewmaDecayMs, 1, MAX_DURATION_MS);
    this.ewmaDecayMs = ewmaDecayMs;
    return this;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  /** Tries per call: the first and, on a failure that is safe to retry, others on different replicas. */
  public ServiceOptions setMaxAttempts(int maxAttempts) {
    ConfigReader.checkRange("maxAttempts", maxAttempts, 1, MAX_ATTEMPTS_LIMIT);
    this.maxAttempts = maxAttempts;
    return this;
  }

  public long getAttemptTimeoutMs() {
    return attemptTimeoutMs;
  }

  /**
   * Longest wait for one replica before trying another (a hung node answers nothing); 0, the
   * default, lets one attempt use the whole {@link #getCallTimeoutMs() call deadline}.
   */
  public ServiceOptions setAttemptTimeoutMs(long attemptTimeoutMs) {
    ConfigReader.checkRange("attemptTimeoutMs", attemptTimeoutMs, 0, MAX_DURATION_MS);
    this.attemptTimeoutMs = attemptTimeoutMs;
    return this;
  }

  public Set<String> getRetryableMethods() {
    return retryableMethods;
  }

  /**
   * Methods whose own failures ({@code ServiceException}) may be retried on another replica. The
   * method ran and failed: list only methods that may run twice.
   */
  public ServiceOptions setRetryableMethods(Set<String> retryableMethods) {
    this.retryableMethods = Set.copyOf(retryableMethods);
    return this;
  }

  public JsonObject getBreaker() {
    return breaker.copy();
  }

  /**
   * Options of each replica's Vert.x circuit breaker, in {@code CircuitBreakerOptions} JSON
   * ({@code maxFailures}, {@code resetTimeout}, {@code failuresRollingWindow}, and the notification
   * and metrics keys); unset keys take busmesh's defaults: 5 failures, 5 s before a half-open probe,
   * a 10 s window.
   *
   * @throws IllegalArgumentException for an unknown key (e.g. {@code timeout}: use attemptTimeoutMs), a wrong type or a value out of range
   */
  public ServiceOptions setBreaker(JsonObject breaker) {
    this.breaker = BreakerSettings.check(breaker == null ? new JsonObject() : breaker.copy());
    return this;
  }

  public double getRetryBudgetRatio() {
    return retryBudgetRatio;
  }

  public double getRetryBudgetMinPerSecond() {
    return retryBudgetMinPerSecond;
  }

  /** Retries allowed cluster-wide: {@code ratio} per call plus {@code minPerSecond}, over a 10 s window. */
  public ServiceOptions setRetryBudget(double ratio, double minPerSecond) {
    if (!(ratio >= 0 && ratio <= 1) || !(minPerSecond >= 0 && minPerSecond <= MAX_RETRIES_PER_SECOND)) {
      throw new IllegalArgumentException("retryBudgetRatio must be in [0, 1] and retryBudgetMinPerSecond in [0, "
          + (long) MAX_RETRIES_PER_SECOND + "], got " + ratio + ", " + minPerSecond);
    }
    this.retryBudgetRatio = ratio;
    this.retryBudgetMinPerSecond = minPerSecond;
    return this;
  }

  public FaultMode getFaultMode() {
    return faultMode;
  }

  public ServiceOptions setFaultMode(FaultMode faultMode) {
    this.faultMode = faultMode;
    return this;
  }

  public Object getFailsafeValue() {
    return failsafeValue;
  }

  /** The answer of a call that fails in {@link FaultMode#FAILSAFE} mode (any JSON value; null by default). */
  public ServiceOptions setFailsafeValue(Object failsafeValue) {
    this.failsafeValue = failsafeValue;
    return this;
  }

  public Set<String> getIdempotentMethods() {
    return idempotentMethods;
  }

  /**
   * Methods that may run twice, besides those the service interface declares {@link Idempotent}: a
   * call of one of them whose answer was lost (timeout, the replica's node died) is run again on
   * another replica, and only these are hedged. Any other call is retried only when it provably never ran.
   */
  public ServiceOptions setIdempotentMethods(Set<String> idempotentMethods) {
    this.idempotentMethods = Set.copyOf(idempotentMethods);
    return this;
  }

  public double getHedgePercentile() {
    return hedgePercentile;
  }

  public double getHedgeBudgetRatio() {
    return hedgeBudgetRatio;
  }

  /** Backup after the {@code percentile} of recent latency, at most {@code budgetRatio} backups per call. */
  public ServiceOptions setHedging(double percentile, double budgetRatio) {
    if (!(percentile > 0 && percentile < 100) || !(budgetRatio >= 0 && budgetRatio <= 1)) {
      throw new IllegalArgumentException("hedgePercentile must be in (0, 100) and hedgeBudgetRatio in [0, 1], got "
          + percentile + ", " + budgetRatio);
    }
    this.hedgePercentile = percentile;
    this.hedgeBudgetRatio = budgetRatio;
    return this;
  }

  public JsonObject getOutlierEjection() {
    return outlierEjection == null ? null : outlierEjection.copy();
  }

  /**
   * Turns on outlier ejection with these settings ({@code errorRate}, {@code latencyFactor},
   * {@code baseEjectionMs}, {@code maxEjectedShare}; {@code {}} for the defaults); null (the default) leaves it off.
   */
  public ServiceOptions setOutlierEjection(JsonObject settings) {
    if (settings != null) {
      OutlierDetector.fromSettings(Clock.SYSTEM, settings); // validates now
    }
    this.outlierEjection = settings == null ? null : settings.copy();
    return this;
  }

  public int getMaxInFlight() {
    return maxInFlight;
  }

  /**
   * Calls of this node to the service that may be in flight at once (default
   * {@value #DEFAULT_MAX_IN_FLIGHT}); more fail at once with {@link MeshProtocol#OVERLOADED} instead of
   * queueing until the heap runs out. A call counts until it is answered or its callTimeoutMs passes.
   */
  public ServiceOptions setMaxInFlight(int maxInFlight) {
    ConfigReader.checkRange("maxInFlight", maxInFlight, 1, MAX_IN_FLIGHT_LIMIT);
    this.maxInFlight = maxInFlight;
    return this;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("strategy", strategy.name());
    if (!strategyOptions.isEmpty()) {
      json.put("strategyOptions", strategyOptions.copy());
    }
    return json.put("callTimeoutMs", callTimeoutMs).put("slowStartMs", slowStartMs).put("ewmaDecayMs", ewmaDecayMs)
        .put("maxAttempts", maxAttempts).put("attemptTimeoutMs", attemptTimeoutMs)
        .put("retryableMethods", new JsonArray(List.copyOf(retryableMethods)))
        .put("breaker", breaker.copy()).put("retryBudgetRatio", retryBudgetRatio)
        .put("retryBudgetMinPerSecond", retryBudgetMinPerSecond).put("faultMode", faultMode.configName())
        .put("failsafeValue", failsafeValue).put("idempotentMethods", new JsonArray(List.copyOf(idempotentMethods)))
        .put("hedgePercentile", hedgePercentile).put("hedgeBudgetRatio", hedgeBudgetRatio)
        .put("outlierEjection", outlierEjection == null ? null : outlierEjection.copy()).put("maxInFlight", maxInFlight);
  }
}
